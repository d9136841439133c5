// SPDX-License-Identifier: GPL-3.0-or-later
// SimulatorSettings: what a WhatsApp client needs to reach a running tests/wa_sim simulator (its
// WebSocket URL, Noise root key, media CA and control URL), as engine settings or as wabot YAML.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <string>

#include "base64.hpp"
#include "wa_sim_process.hpp"  // tests/engine_wire

namespace wabot::test {

struct SimulatorSettings {
  std::string ws_url;           // ws://127.0.0.1:P/ws/chat
  std::string control_url;      // http://127.0.0.1:C
  std::string root_key_base64;  // the Noise certificate root the client must pin
  std::string media_ca_file;    // the self-signed CA of the simulator's HTTPS media host

  static SimulatorSettings of(engine::test::WaSimProcess& sim) {
    auto info = Poco::JSON::Parser().parse(sim.get("/info").second).extract<Poco::JSON::Object::Ptr>();
    const auto& key = sim.root_key();
    return SimulatorSettings{sim.ws_url(), info->getValue<std::string>("controlUrl"),
                             base64(std::string(key.begin(), key.end())), info->getValue<std::string>("mediaCaFile")};
  }

  // Fills sessions::EngineSettings (a template so that tests which only write YAML need not include
  // the sessions layer).
  template <class EngineSettings>
  void apply(EngineSettings& engine) const {
    engine.server_url = ws_url;
    engine.server_root_key = root_key_base64;
    engine.tls_ca_file = media_ca_file;
  }

  // The `whatsapp:` section of a wabot config file.
  std::string whatsapp_yaml() const {
    return "whatsapp:\n  server_url: '" + ws_url + "'\n  server_root_key: '" + root_key_base64 + "'\n  tls_ca_file: '" +
           media_ca_file + "'\n";
  }
};

}  // namespace wabot::test
