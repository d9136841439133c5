// SPDX-License-Identifier: GPL-3.0-or-later
// PrivacyTokens: write-through on put, read-through (misses cached) on get; the cache is dropped whole
// past its bound since the store holds every token.
#include "host/engine/messaging/privacy_tokens.hpp"

namespace wabot::engine::messaging {

PrivacyTokens::PrivacyTokens(std::shared_ptr<store::ContactStore> store, std::size_t max_cached)
    : store_(std::move(store)), max_cached_(max_cached == 0 ? 1 : max_cached) {}

Status PrivacyTokens::put(const std::string& jid, store::PrivacyToken token) {
  if (jid.empty() || token.token.empty()) return Error(ErrorCode::malformed, "a privacy token needs a contact and bytes");
  auto held = get(jid);
  // An older token arriving late (redelivered notification) must not replace a newer one.
  if (held && *held && (*held)->timestamp_s > token.timestamp_s) return Ok{};
  if (held && *held && **held == token) return Ok{};
  Status stored = store_ ? store_->put_privacy_token(jid, token) : Status(Ok{});
  if (cache_.size() >= max_cached_) cache_.clear();
  cache_[jid] = std::move(token);
  if (!stored) return stored.error().with_context("failed to store the privacy token of " + jid);
  return Ok{};
}

Result<std::optional<store::PrivacyToken>> PrivacyTokens::get(const std::string& jid) {
  if (auto it = cache_.find(jid); it != cache_.end()) return it->second;
  if (!store_) return std::optional<store::PrivacyToken>{};
  auto found = store_->privacy_token(jid);
  if (!found) return found.error();
  if (cache_.size() >= max_cached_) cache_.clear();
  cache_[jid] = *found;
  return *found;
}

Result<std::optional<store::PrivacyToken>> PrivacyTokens::usable(const std::string& jid, std::int64_t now_s) {
  auto held = get(jid);
  if (!held) return held;
  if (*held && now_s - (*held)->timestamp_s >= kPrivacyTokenMaxAge_s) return std::optional<store::PrivacyToken>{};
  return held;
}

}  // namespace wabot::engine::messaging
