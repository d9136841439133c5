// SPDX-License-Identifier: MIT
// Log: structured logging through the host's "log" service (lines carry the plugin's name).
#pragma once

#include <wabot/host.hpp>

#include <initializer_list>
#include <string_view>
#include <utility>
#include <vector>

namespace wabot {

class Log {
 public:
  using Field = std::pair<std::string_view, std::string_view>;

  explicit Log(const Host& host) noexcept : host_(&host), table_(host.service<wabot_log_service_v1>("log", 1)) {}

  bool enabled(wabot_log_level level) const noexcept {
    return table_ && table_->is_enabled && table_->is_enabled(host_->raw(), level) != 0;
  }
  // Logging never fails loudly: a host without a log service just drops the line.
  void write(wabot_log_level level, std::string_view message, std::initializer_list<Field> fields = {}) const noexcept {
    if (!table_ || !table_->write) return;
    wabot_str_pair pairs[16];
    size_t count = 0;
    for (const Field& f : fields) {
      if (count == 16) break;  // a fixed bound: no allocation on the logging path
      pairs[count++] = {to_view(f.first), to_view(f.second)};
    }
    table_->write(host_->raw(), level, to_view(message), count ? pairs : nullptr, count);
  }
  void trace(std::string_view m, std::initializer_list<Field> f = {}) const noexcept { write(WABOT_LOG_TRACE, m, f); }
  void debug(std::string_view m, std::initializer_list<Field> f = {}) const noexcept { write(WABOT_LOG_DEBUG, m, f); }
  void info(std::string_view m, std::initializer_list<Field> f = {}) const noexcept { write(WABOT_LOG_INFO, m, f); }
  void warn(std::string_view m, std::initializer_list<Field> f = {}) const noexcept { write(WABOT_LOG_WARN, m, f); }
  void error(std::string_view m, std::initializer_list<Field> f = {}) const noexcept { write(WABOT_LOG_ERROR, m, f); }

 private:
  const Host* host_;
  const wabot_log_service_v1* table_;
};

}  // namespace wabot
