// SPDX-License-Identifier: GPL-3.0-or-later
// The "log" service: plugin lines go to the host's JSON-lines logger, tagged with the plugin's name.
#include "host/common/log.hpp"
#include "host/plugins/host_call.hpp"
#include "host/plugins/services.hpp"

#include <string_view>

namespace wabot::plugins {

namespace {

log::Level to_level(wabot_log_level level) {
  switch (level) {
    case WABOT_LOG_TRACE: return log::Level::trace;
    case WABOT_LOG_DEBUG: return log::Level::debug;
    case WABOT_LOG_INFO: return log::Level::info;
    case WABOT_LOG_WARN: return log::Level::warn;
    case WABOT_LOG_ERROR: return log::Level::error;
    default: return log::Level::unset;
  }
}

// log::write takes an initializer_list, so a runtime count of fields is spelled out; plugins get at
// most this many fields per line (the C++ wrapper also stops at 16, the rest are dropped).
constexpr size_t max_fields = 8;

void write_fields(log::Level level, std::string_view message, const log::Field* f, size_t n) {
  switch (n) {
    case 0: log::write(level, message); break;
    case 1: log::write(level, message, {f[0]}); break;
    case 2: log::write(level, message, {f[0], f[1]}); break;
    case 3: log::write(level, message, {f[0], f[1], f[2]}); break;
    case 4: log::write(level, message, {f[0], f[1], f[2], f[3]}); break;
    case 5: log::write(level, message, {f[0], f[1], f[2], f[3], f[4]}); break;
    case 6: log::write(level, message, {f[0], f[1], f[2], f[3], f[4], f[5]}); break;
    case 7: log::write(level, message, {f[0], f[1], f[2], f[3], f[4], f[5], f[6]}); break;
    default: log::write(level, message, {f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]}); break;
  }
}

wabot_status write(wabot_host* host, wabot_log_level level, wabot_str_view message, const wabot_str_pair* fields,
                   size_t field_count) {
  return host_call::guarded("log.write", [&] {
    if (!host_call::valid_handle(host)) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid host handle");
    log::Level l = to_level(level);
    if (l == log::Level::unset) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "unknown log level " + std::to_string(level));
    if (!host_call::valid_view(message) || (field_count > 0 && !fields))
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid log message or fields");
    if (!log::enabled(l)) return host_call::ok();
    log::Field converted[max_fields];
    size_t n = 0;
    for (size_t i = 0; i < field_count && n < max_fields; ++i) {
      if (!host_call::valid_view(fields[i].key) || !host_call::valid_view(fields[i].value)) continue;
      converted[n++] = {from_view(fields[i].key), from_view(fields[i].value)};
    }
    // Keeps the trace/agent ids of the event or request being handled; adds the plugin's name.
    log::Scope scope({}, {}, host->plugin->name());
    write_fields(l, from_view(message), converted, n);
    return host_call::ok();
  });
}

int32_t is_enabled(wabot_host*, wabot_log_level level) {
  log::Level l = to_level(level);
  return l != log::Level::unset && log::enabled(l) ? 1 : 0;
}

constexpr wabot_log_service_v1 table{sizeof(wabot_log_service_v1), &write, &is_enabled};

}  // namespace

const wabot_log_service_v1* log_service() { return &table; }

}  // namespace wabot::plugins
