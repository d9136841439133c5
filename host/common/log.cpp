// JSON-lines logger behind common/log.hpp.
#include "host/common/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace wabot::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::mutex g_sink_mutex;
Sink g_sink;  // empty: stderr
thread_local Context t_context;

std::string timestamp_now() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::time_t secs = system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];  // generous: the compiler cannot bound the int fields
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

void append_field(std::string& out, std::string_view key, std::string_view value) {
  out += ",\"";
  append_json_escaped(out, key);
  out += "\":\"";
  append_json_escaped(out, value);
  out += '"';
}

}  // namespace

bool parse_level(std::string_view t, Level& out) {
  if (t == "trace") out = Level::trace;
  else if (t == "debug") out = Level::debug;
  else if (t == "info") out = Level::info;
  else if (t == "warn" || t == "warning") out = Level::warn;
  else if (t == "error" || t == "fatal") out = Level::error;
  else return false;
  return true;
}

std::string_view level_name(Level l) {
  switch (l) {
    case Level::trace: return "trace";
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
    default: return "unset";
  }
}

void set_level(Level l) { g_level.store(l == Level::unset ? Level::info : l); }
Level level() { return g_level.load(std::memory_order_relaxed); }

void set_sink(Sink sink) {
  std::lock_guard lock(g_sink_mutex);
  g_sink = std::move(sink);
}
void reset_sink() { set_sink({}); }

const Context& current() { return t_context; }

Scope::Scope(std::string_view trace_id, std::string_view agent_id, std::string_view plugin) : saved_(t_context) {
  if (!trace_id.empty()) t_context.trace_id = trace_id;
  if (!agent_id.empty()) t_context.agent_id = agent_id;
  if (!plugin.empty()) t_context.plugin = plugin;
}
Scope::~Scope() { t_context = std::move(saved_); }

void append_json_escaped(std::string& out, std::string_view text) {
  static const char hex[] = "0123456789abcdef";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

void write(Level l, std::string_view message, std::span<const Field> fields) {
  std::string line;
  line.reserve(128 + message.size());
  line += "{\"timestamp\":\"";
  line += timestamp_now();
  line += "\",\"level\":\"";
  line += level_name(l);
  line += '"';
  append_field(line, "message", message);
  const Context& ctx = t_context;
  if (!ctx.trace_id.empty()) append_field(line, "traceId", ctx.trace_id);
  if (!ctx.agent_id.empty()) append_field(line, "agentId", ctx.agent_id);
  if (!ctx.plugin.empty()) append_field(line, "plugin", ctx.plugin);
  for (const auto& [k, v] : fields) {
    // A caller's field never repeats a standard key: duplicate JSON keys confuse log pipelines.
    if (k == "timestamp" || k == "level" || k == "message" || k == "traceId" || k == "agentId" || k == "plugin") {
      if (k == "traceId" && ctx.trace_id.empty()) append_field(line, k, v);
      else if (k == "agentId" && ctx.agent_id.empty()) append_field(line, k, v);
      else if (k == "plugin" && ctx.plugin.empty()) append_field(line, k, v);
      continue;
    }
    append_field(line, k, v);
  }
  line += '}';

  std::lock_guard lock(g_sink_mutex);
  if (g_sink) {
    g_sink(line);
  } else {
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
}

}  // namespace wabot::log
