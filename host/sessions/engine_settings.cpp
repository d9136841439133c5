// SPDX-License-Identifier: GPL-3.0-or-later
// Turns the whatsapp.* settings into a ClientConfig (root key decoded, version parsed).
#include "host/sessions/engine_settings.hpp"

#include <Poco/Base64Decoder.h>

#include <iterator>
#include <sstream>

namespace wabot::sessions {

engine::Result<engine::client::ClientConfig> make_client_config(const EngineSettings& settings) {
  using engine::Error;
  engine::client::ClientConfig config;
  if (settings.server_url.rfind("ws://", 0) != 0 && settings.server_url.rfind("wss://", 0) != 0)
    return Error{engine::ErrorCode::malformed, "whatsapp.server_url: must start with ws:// or wss://"};
  config.server_url = settings.server_url;
  if (!settings.server_root_key.empty()) {
    std::string raw;
    try {
      std::istringstream in(settings.server_root_key);
      Poco::Base64Decoder decoder(in);
      raw.assign(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
    } catch (const std::exception&) {
      return Error{engine::ErrorCode::malformed, "whatsapp.server_root_key: not valid base64"};
    }
    if (raw.size() != config.server_root_key.size())
      return Error{engine::ErrorCode::malformed, "whatsapp.server_root_key: must be 32 bytes, got " + std::to_string(raw.size())};
    std::copy(raw.begin(), raw.end(), config.server_root_key.begin());
  }
  if (!settings.version.empty()) {
    auto version = engine::pairing::WaVersion::parse(settings.version);
    if (!version.ok()) return Error{engine::ErrorCode::malformed, "whatsapp.version: " + version.error().message};
    config.identity.version = version.value();
  }
  config.identity.push_name = settings.push_name;
  return config;
}

}  // namespace wabot::sessions
