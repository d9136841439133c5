// SPDX-License-Identifier: GPL-3.0-or-later
// Privacy tokens (trusted-contact tokens) the server hands out per contact; the engine attaches them
// to some stanzas to that contact.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "host/store/clock.hpp"
#include "host/store/database.hpp"

namespace wabot::store {

struct PrivacyToken {
  Bytes token;
  std::int64_t timestamp_ms = 0;  // the token's own timestamp from the server
};

class PrivacyTokenRepository {
 public:
  explicit PrivacyTokenRepository(Database& db, Clock clock = system_clock()) : db_(db), clock_(std::move(clock)) {}

  Status put(std::string_view agent_id, std::string_view jid, const PrivacyToken& token);
  Result<std::optional<PrivacyToken>> get(std::string_view agent_id, std::string_view jid);
  Result<bool> remove(std::string_view agent_id, std::string_view jid);

 private:
  Database& db_;
  Clock clock_;
};

}  // namespace wabot::store
