// SPDX-License-Identifier: GPL-3.0-or-later
// EngineSettings: the host config's `whatsapp.*` values, turned into the engine's per-agent ClientConfig.
#pragma once

#include <string>

#include "host/engine/client/client_config.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::sessions {

struct EngineSettings {
  std::string server_url = "wss://web.whatsapp.com/ws/chat";
  std::string server_root_key;  // base64 of 32 bytes; empty: WhatsApp's own root key
  std::string tls_ca_file;      // extra CA file for wss:// (empty: the system store only)
  std::string version;          // "2.3000.1043857760"; empty: the engine's default
  std::string push_name = "wabot";
};

// The ClientConfig every agent's client starts from (agent_id left empty), or an error naming the
// bad setting ("whatsapp.server_root_key: ...").
engine::Result<engine::client::ClientConfig> make_client_config(const EngineSettings& settings);

}  // namespace wabot::sessions
