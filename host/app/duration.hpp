// SPDX-License-Identifier: GPL-3.0-or-later
// Parsing of configuration durations: a number of seconds (`90`, `0.5`) or a number with a unit
// (`500ms`, `60s`, `10m`, `24h`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wabot::app {

// The longest duration accepted anywhere in the config; bounds arithmetic on hostile input.
inline constexpr std::int64_t kMaxDurationMs = 366LL * 24 * 3600 * 1000;

// Milliseconds, or nullopt when the text is not a non-negative duration within kMaxDurationMs.
std::optional<std::int64_t> parse_duration_ms(std::string_view text);

// The shortest exact spelling of a duration: "500ms", "60s", "10m", "24h".
std::string format_duration(std::int64_t duration_ms);

}  // namespace wabot::app
