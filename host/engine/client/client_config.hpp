// SPDX-License-Identifier: GPL-3.0-or-later
// ClientConfig: everything one agent's connection needs to know (server, root key, version, timeouts).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "host/engine/noise/server_cert_verifier.hpp"
#include "host/engine/pairing/client_payload.hpp"
#include "host/engine/types/blocking_executor.hpp"

namespace wabot::engine::client {

struct ClientConfig {
  std::string agent_id;
  std::string server_url = "wss://web.whatsapp.com/ws/chat";  // ws:// is allowed (the simulator)
  std::string origin = "https://web.whatsapp.com";
  crypto::Key32 server_root_key = noise::kWhatsAppRootPublicKey;
  pairing::ClientIdentity identity;  // version (e.g. 2.3000.1043857760), os name, platform, push name

  std::int64_t connect_timeout_ms = 20'000;    // resolve + TCP + TLS + WebSocket upgrade
  std::int64_t handshake_timeout_ms = 20'000;  // ServerHello after ClientHello, then the first node
  std::int64_t iq_timeout_ms = 75'000;
  std::int64_t keepalive_min_interval_ms = 20'000;
  std::int64_t keepalive_max_interval_ms = 30'000;
  std::int64_t keepalive_timeout_ms = 10'000;  // no answer to a ping in this time: reconnect
  std::int64_t reconnect_initial_delay_ms = 1'000;
  std::int64_t reconnect_max_delay_ms = 120'000;
  double reconnect_jitter = 0.25;             // +-25 % of each delay
  std::int64_t logout_timeout_ms = 10'000;
  std::int64_t qr_first_ref_lifetime_ms = 60'000;  // the first QR ref is shown 60 s,
  std::int64_t qr_next_ref_lifetime_ms = 20'000;   // every later one 20 s (transport.md §5)

  std::uint32_t min_pre_key_count = 5;        // upload when the server holds fewer than this
  std::uint32_t pre_key_upload_count = 50;    // how many to upload then

  // Where credential and prekey store calls run (they may block on a database), never on the loop.
  // Null = the process-wide store executor (2 threads, shared by every client).
  std::shared_ptr<BlockingExecutor> store_executor;
};

// The process-wide executor of store calls (created on first use, joined at exit).
std::shared_ptr<BlockingExecutor> default_store_executor();

}  // namespace wabot::engine::client
