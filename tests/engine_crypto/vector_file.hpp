// SPDX-License-Identifier: GPL-3.0-or-later
// Reads our golden vector files (tests/engine_crypto/data/*.txt: "name = value" lines, # comments).
#pragma once

#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

namespace wabot::test {

inline std::string data_path(const std::string& file) {
  // ctest sets WABOT_SOURCE_DIR; the compiled-in path serves direct runs of the binary.
  if (const char* root = std::getenv("WABOT_SOURCE_DIR")) return std::string(root) + "/tests/engine_crypto/data/" + file;
  return std::string(ENGINE_CRYPTO_DATA_DIR) + "/" + file;
}

inline std::map<std::string, std::string> load_vectors(const std::string& file) {
  std::ifstream in(data_path(file));
  if (!in) throw std::runtime_error("cannot open vector file " + data_path(file));
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find(" = ");
    if (eq == std::string::npos) continue;
    out[line.substr(0, eq)] = line.substr(eq + 3);
  }
  return out;
}

}  // namespace wabot::test
