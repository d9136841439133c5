// SPDX-License-Identifier: GPL-3.0-or-later
// Standard base64 (with padding, no line breaks) for test request bodies, on Poco's encoder.
#pragma once

#include <Poco/Base64Encoder.h>

#include <sstream>
#include <string>

namespace wabot::test {

inline std::string base64(const std::string& raw) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder << raw;
  encoder.close();
  return out.str();
}

}  // namespace wabot::test
