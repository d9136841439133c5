// SPDX-License-Identifier: GPL-3.0-or-later
// PrometheusText: line-based parse; a sample is "<series> <value>" where the series may hold quoted labels.
#include "prometheus_text.hpp"

#include <cstdlib>
#include <sstream>

namespace wabot::testing {

PrometheusText PrometheusText::parse(const std::string& text) {
  PrometheusText out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream t(line.substr(7));
      std::string name, type;
      t >> name >> type;
      out.types[name] = type;
      continue;
    }
    if (line[0] == '#') continue;
    size_t close = line.find('}');
    size_t space = line.find(' ', close == std::string::npos ? 0 : close);
    if (space == std::string::npos) {
      if (out.error.empty()) out.error = line;
      continue;
    }
    std::string value = line.substr(space + 1);
    char* end = nullptr;
    double v = std::strtod(value.c_str(), &end);
    if (end == value.c_str()) {
      if (out.error.empty()) out.error = line;
      continue;
    }
    out.samples[line.substr(0, space)] = v;
  }
  return out;
}

std::optional<double> PrometheusText::value(const std::string& series) const {
  auto it = samples.find(series);
  if (it == samples.end()) return std::nullopt;
  return it->second;
}

}  // namespace wabot::testing
