// SPDX-License-Identifier: GPL-3.0-or-later
// ContactStore: what the engine persists about other users for one agent (PN<->LID mappings, the
// contacts' privacy tokens, the NCT salt for <cstoken>), so a restarted Messenger neither relearns
// mappings nor loses tokens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/engine/crypto/crypto.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::engine::store {

// One PN user <-> LID user pair, user parts only ("15551234567" <-> "123456789012345").
struct LidMapping {
  std::string pn;
  std::string lid;
  friend bool operator==(const LidMapping&, const LidMapping&) = default;
};

// A contact's trusted-contact token as the server handed it out (`<token t type="trusted_contact">`).
struct PrivacyToken {
  crypto::Bytes token;         // secret-ish: never logged
  std::int64_t timestamp_s = 0;  // the token's `t`
  friend bool operator==(const PrivacyToken&, const PrivacyToken&) = default;
};

// One agent's contact state. Each side of a mapping maps to exactly one other: storing a pair replaces
// any older pair that shares its PN or its LID. "Not found" is success with an empty optional. Callers
// serialise calls for one agent (the Messenger holds its lock); instances for different agents may be
// used from different threads at once.
class ContactStore {
 public:
  virtual ~ContactStore() = default;

  // All pairs at once (one transaction in the database implementation).
  virtual Status put_lid_mappings(const std::vector<LidMapping>& mappings) = 0;
  virtual Result<std::optional<std::string>> lid_for_pn(std::string_view pn_user) = 0;
  virtual Result<std::optional<std::string>> pn_for_lid(std::string_view lid_user) = 0;

  // Keyed by the contact's non-AD JID string ("123@lid", or "155…@s.whatsapp.net" when unmapped).
  virtual Status put_privacy_token(std::string_view jid, const PrivacyToken& token) = 0;
  virtual Result<std::optional<PrivacyToken>> privacy_token(std::string_view jid) = 0;

  // The account's NCT salt from history sync (the <cstoken> key; secret). Replaced on put.
  virtual Status put_nct_salt(const crypto::Bytes& salt) = 0;
  virtual Result<std::optional<crypto::Bytes>> nct_salt() = 0;
};

}  // namespace wabot::engine::store
