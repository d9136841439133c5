// SPDX-License-Identifier: MIT
// Parsing of config values in the syntax of wabot_config_type (shared by the host, the fake host and
// plugins, so a value means the same everywhere).
#pragma once

#include <wabot/abi.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace wabot::config_value {

inline std::string_view type_name(wabot_config_type type) noexcept {
  switch (type) {
    case WABOT_CONFIG_STRING: return "string";
    case WABOT_CONFIG_INT: return "int";
    case WABOT_CONFIG_BOOL: return "bool";
    case WABOT_CONFIG_DOUBLE: return "double";
    case WABOT_CONFIG_DURATION: return "duration";
    default: return "unset";
  }
}

inline std::optional<int64_t> parse_int(std::string_view text) noexcept {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

inline std::optional<bool> parse_bool(std::string_view text) noexcept {
  for (std::string_view t : {"true", "yes", "on", "1", "True", "TRUE", "Yes", "On"})
    if (text == t) return true;
  for (std::string_view f : {"false", "no", "off", "0", "False", "FALSE", "No", "Off"})
    if (text == f) return false;
  return std::nullopt;
}

inline std::optional<double> parse_double(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string copy(text);  // strtod needs a terminator; from_chars<double> is fine too but locale-free either way
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(copy.c_str(), &end);
  if (errno != 0 || end != copy.c_str() + copy.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

// "250ms", "30s", "10m", "2h", "1d", or a bare integer meaning seconds (as the seeds' env values are).
// Negative values and overflow are refused.
inline std::optional<int64_t> parse_duration_ms(std::string_view text) noexcept {
  struct Unit { std::string_view suffix; int64_t ms; };
  static constexpr Unit units[] = {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};
  int64_t scale = 1000;
  std::string_view number = text;
  for (const Unit& u : units) {
    if (text.size() > u.suffix.size() && text.substr(text.size() - u.suffix.size()) == u.suffix) {
      // "ms" must win over "s": it is listed first and "10ms" ends with both.
      number = text.substr(0, text.size() - u.suffix.size());
      scale = u.ms;
      break;
    }
  }
  if (number.empty() || number.front() == '-' || number.front() == '+') return std::nullopt;
  auto value = parse_int(number);
  if (!value || *value < 0) return std::nullopt;
  if (*value > std::numeric_limits<int64_t>::max() / scale) return std::nullopt;
  return *value * scale;
}

// True when `text` is valid for `type`.
inline bool is_valid(wabot_config_type type, std::string_view text) {
  switch (type) {
    case WABOT_CONFIG_STRING: return true;
    case WABOT_CONFIG_INT: return parse_int(text).has_value();
    case WABOT_CONFIG_BOOL: return parse_bool(text).has_value();
    case WABOT_CONFIG_DOUBLE: return parse_double(text).has_value();
    case WABOT_CONFIG_DURATION: return parse_duration_ms(text).has_value();
    default: return false;
  }
}

}  // namespace wabot::config_value
