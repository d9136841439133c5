// SPDX-License-Identifier: GPL-3.0-or-later
// Configuration durations: numbers of seconds or numbers with a unit suffix.
#include "host/app/duration.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

namespace wabot::app {

std::optional<std::int64_t> parse_duration_ms(std::string_view text) {
  // Split "<number><unit>": the number is digits with at most one '.', the unit is letters.
  std::size_t i = 0;
  bool seen_digit = false, seen_dot = false;
  while (i < text.size()) {
    char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      seen_digit = true;
    } else if (c == '.' && !seen_dot) {
      seen_dot = true;
    } else {
      break;
    }
    ++i;
  }
  if (!seen_digit || i > 32) return std::nullopt;
  std::string_view number = text.substr(0, i);
  std::string_view unit = text.substr(i);

  double multiplier_ms = 0;
  if (unit.empty() || unit == "s") multiplier_ms = 1000;
  else if (unit == "ms") multiplier_ms = 1;
  else if (unit == "m") multiplier_ms = 60'000;
  else if (unit == "h") multiplier_ms = 3'600'000;
  else return std::nullopt;

  double value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size()) return std::nullopt;
  double ms = value * multiplier_ms;
  if (!std::isfinite(ms) || ms < 0 || ms > static_cast<double>(kMaxDurationMs)) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(ms));
}

std::string format_duration(std::int64_t duration_ms) {
  if (duration_ms != 0 && duration_ms % 3'600'000 == 0) return std::to_string(duration_ms / 3'600'000) + "h";
  if (duration_ms != 0 && duration_ms % 60'000 == 0) return std::to_string(duration_ms / 60'000) + "m";
  if (duration_ms % 1000 == 0) return std::to_string(duration_ms / 1000) + "s";
  return std::to_string(duration_ms) + "ms";
}

}  // namespace wabot::app
