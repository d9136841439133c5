// SPDX-License-Identifier: GPL-3.0-or-later
// GET /health: flat JSON (not wrapped in "data", as the seeds' service answered).
#include "health_response.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdio>
#include <ctime>
#include <sstream>

namespace rest_api {

std::string iso8601_utc_ms(int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  int ms = static_cast<int>(unix_ms % 1000);
  if (ms < 0) {  // before 1970: keep the milliseconds positive
    ms += 1000;
    --seconds;
  }
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[80];  // room for any int the compiler can imagine in tm, so no truncation warning
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

namespace {
const char* database_text(wabot_component_state s) {
  switch (s) {
    case WABOT_COMPONENT_HEALTHY: return "healthy";
    case WABOT_COMPONENT_DOWN: return "down";
    default: return "unknown";
  }
}
}  // namespace

HealthResponse HealthResponse::from(const wabot::HealthSnapshot& health, std::string_view trace_id) {
  const bool database_down = health.database == WABOT_COMPONENT_DOWN;
  Poco::JSON::Object whatsapp(Poco::JSON_PRESERVE_KEY_ORDER);
  whatsapp.set("sessions", static_cast<Poco::UInt64>(health.sessions));
  whatsapp.set("connected", static_cast<Poco::UInt64>(health.sessions_connected));
  Poco::JSON::Array plugins;
  for (const wabot::PluginStatus& p : health.plugins) {
    Poco::JSON::Object plugin(Poco::JSON_PRESERVE_KEY_ORDER);
    plugin.set("name", p.name);
    plugin.set("version", p.version);
    plugin.set("state", std::string(wabot::plugin_state_name(p.state)));
    plugins.add(plugin);
  }
  Poco::JSON::Object components(Poco::JSON_PRESERVE_KEY_ORDER);
  components.set("database", std::string(database_text(health.database)));
  components.set("whatsapp", whatsapp);
  components.set("plugins", plugins);
  Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
  root.set("status", std::string(database_down ? "degraded" : "ok"));
  root.set("uptime", static_cast<double>(health.uptime_ms) / 1000.0);  // seconds, like Node's process.uptime()
  root.set("timestamp", iso8601_utc_ms(health.now_ms));
  root.set("traceId", std::string(trace_id));
  root.set("components", components);
  std::ostringstream out;
  root.stringify(out);
  return HealthResponse{database_down ? 503 : 200, out.str()};
}

}  // namespace rest_api
