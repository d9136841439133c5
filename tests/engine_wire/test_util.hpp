// SPDX-License-Identifier: GPL-3.0-or-later
// Small helpers shared by the engine wire tests: hex, test data files.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace wabot::engine::test {

inline std::vector<std::uint8_t> from_hex(const std::string& hex) {
  std::vector<std::uint8_t> out;
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::invalid_argument("bad hex");
  };
  std::string h;
  for (char c : hex)
    if (c != ' ' && c != '\n') h.push_back(c);
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<std::uint8_t>(val(h[i]) << 4 | val(h[i + 1])));
  return out;
}

template <class C>
std::string to_hex(const C& bytes) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto b : bytes) {
    s.push_back(d[static_cast<std::uint8_t>(b) >> 4]);
    s.push_back(d[static_cast<std::uint8_t>(b) & 15]);
  }
  return s;
}

// A file under tests/engine_wire/data (our own copies of the protocol vectors).
inline std::string data_path(const std::string& name) {
  const char* src = std::getenv("WABOT_SOURCE_DIR");
  return std::string(src ? src : ".") + "/tests/engine_wire/data/" + name;
}

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace wabot::engine::test

#include <map>

namespace wabot::engine::test {

// "name hex" lines ('#' comments) from a data file.
inline std::map<std::string, std::vector<std::uint8_t>> read_vector_file(const std::string& name) {
  std::map<std::string, std::vector<std::uint8_t>> out;
  std::istringstream in(read_file(data_path(name)));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto sp = line.find(' ');
    if (sp == std::string::npos) continue;
    out[line.substr(0, sp)] = from_hex(line.substr(sp + 1));
  }
  return out;
}

}  // namespace wabot::engine::test
