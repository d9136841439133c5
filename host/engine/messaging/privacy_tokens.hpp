// SPDX-License-Identifier: GPL-3.0-or-later
// PrivacyTokens: the contacts' trusted-contact tokens (`<tctoken>` on 1:1 sends), a bounded
// in-memory cache in front of the ContactStore, which is the truth across restarts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "host/engine/store/contact_store.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::engine::messaging {

// A token is sent while it is younger than 4 x 7-day buckets (whatsmeow tctoken.go).
inline constexpr std::int64_t kPrivacyTokenMaxAge_s = 28 * 24 * 3600;

// Not thread-safe: the Messenger calls it under its lock. Without a store it is a cache only.
class PrivacyTokens {
 public:
  explicit PrivacyTokens(std::shared_ptr<store::ContactStore> store, std::size_t max_cached = 50'000);

  // Keeps the token for jid (a non-AD user JID string) unless an equal or newer one is held.
  // Written to the store first; cached even when the store failed (this run still uses it).
  Status put(const std::string& jid, store::PrivacyToken token);
  // The token for jid, from the cache or the store; nullopt when none is held.
  Result<std::optional<store::PrivacyToken>> get(const std::string& jid);
  // The token to attach at now_s: held and not older than kPrivacyTokenMaxAge_s.
  Result<std::optional<store::PrivacyToken>> usable(const std::string& jid, std::int64_t now_s);

 private:
  std::shared_ptr<store::ContactStore> store_;
  std::size_t max_cached_;
  std::unordered_map<std::string, std::optional<store::PrivacyToken>> cache_;  // nullopt = not in the store
};

}  // namespace wabot::engine::messaging
