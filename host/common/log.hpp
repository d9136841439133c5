// Structured logging: one JSON object per line (timestamp, level, message, and traceId/agentId/plugin
// when known). Thread-safe. Secrets must never be passed in: callers log ids, never tokens or keys.
#pragma once

#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace wabot::log {

enum class Level { unset = 0, trace, debug, info, warn, error };

// "trace" | "debug" | "info" | "warn" | "error" (also "warning", "fatal" → error). False when unknown.
bool parse_level(std::string_view text, Level& out);
std::string_view level_name(Level level);

void set_level(Level level);
Level level();
inline bool enabled(Level l) { return l >= level(); }

// Where finished lines go (without the trailing newline). Default: stderr. Tests capture lines here.
using Sink = std::function<void(std::string_view line)>;
void set_sink(Sink sink);
void reset_sink();

// The ids attached to every line written on this thread while a Scope is alive; nested scopes
// override only the fields they set (an empty view keeps the outer value).
struct Context {
  std::string trace_id;
  std::string agent_id;
  std::string plugin;
};
const Context& current();

class Scope {
 public:
  Scope(std::string_view trace_id, std::string_view agent_id = {}, std::string_view plugin = {});
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  Context saved_;
};

// Extra key/value pairs, written as JSON strings after the standard fields.
using Field = std::pair<std::string_view, std::string_view>;

void write(Level level, std::string_view message, std::span<const Field> fields);
inline void write(Level level, std::string_view message, std::initializer_list<Field> fields = {}) {
  write(level, message, std::span<const Field>(fields.begin(), fields.size()));
}

inline void trace(std::string_view m, std::initializer_list<Field> f = {}) { if (enabled(Level::trace)) write(Level::trace, m, f); }
inline void debug(std::string_view m, std::initializer_list<Field> f = {}) { if (enabled(Level::debug)) write(Level::debug, m, f); }
inline void info(std::string_view m, std::initializer_list<Field> f = {}) { if (enabled(Level::info)) write(Level::info, m, f); }
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) { if (enabled(Level::warn)) write(Level::warn, m, f); }
inline void error(std::string_view m, std::initializer_list<Field> f = {}) { if (enabled(Level::error)) write(Level::error, m, f); }

// JSON string escaping (quotes not included), shared with anything else that hand-writes JSON lines.
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace wabot::log
