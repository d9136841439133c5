// SPDX-License-Identifier: GPL-3.0-or-later
// SessionsBackend: what the SDK's "sessions" service needs from the sessions layer (implemented there;
// test doubles live under tests/). Calls block and may be made from any thread.
#pragma once

#include <wabot/sessions.hpp>
#include <wabot/status.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace wabot::plugins {

struct SessionCreateRequest {
  std::string user_id, agent_id, agent_name;
  std::string api_key;  // secret: never logged
  int64_t qr_wait_ms = 0;
};

struct SessionFilter {
  std::string user_id, status, cursor;
  uint32_t limit = 50;  // already defaulted and capped by the service
};

class SessionsBackend {
 public:
  virtual ~SessionsBackend() = default;
  virtual Result<CreatedSession> create(const SessionCreateRequest& request) = 0;
  virtual Result<SessionInfo> get(std::string_view agent_id) = 0;
  virtual Result<SessionPage> list(const SessionFilter& filter) = 0;
  virtual Result<bool> remove(std::string_view agent_id, bool logout) = 0;  // false: unknown agent
  virtual Result<SessionInfo> reconnect(std::string_view agent_id, int64_t qr_wait_ms) = 0;
  virtual Result<QrCode> wait_qr(std::string_view agent_id, int64_t timeout_ms) = 0;
  // ABI 1.1: constant-time compare of `token` with the agent's api_key; false on a mismatch, after
  // which the implementation re-reads api_keys in the background (at most once per agent per 10 s).
  // NOT_FOUND unknown agent. Not pure so older backends still build; they answer UNSUPPORTED.
  virtual Result<bool> check_api_key(std::string_view agent_id, std::string_view token) {
    (void)agent_id;
    (void)token;
    return Status::error(WABOT_ERR_UNSUPPORTED, "this sessions backend does not check API keys");
  }
  // (ABI 1.1) The agent's api key, a secret. Not pure so existing backends keep compiling; the
  // sessions layer overrides it with whatsapp_user.api_key.
  virtual Result<std::string> api_key(std::string_view agent_id) {
    return Status::error(WABOT_ERR_UNSUPPORTED, "the sessions backend cannot read the api key of " + std::string(agent_id));
  }
};

}  // namespace wabot::plugins
