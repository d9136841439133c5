// SPDX-License-Identifier: GPL-3.0-or-later
// PrometheusText: a small parser of the text exposition format for tests (TYPE lines and samples).
#pragma once

#include <map>
#include <optional>
#include <string>

namespace wabot::testing {

struct PrometheusText {
  std::map<std::string, std::string> types;    // family name → "counter" | "gauge" | "histogram" | ...
  std::map<std::string, double> samples;       // "name{a=\"b\",...}" exactly as written → value
  std::string error;                           // first malformed line, empty when all parsed

  static PrometheusText parse(const std::string& text);
  std::optional<double> value(const std::string& series) const;
};

}  // namespace wabot::testing
