// SPDX-License-Identifier: GPL-3.0-or-later
// LidMap: write-through on learn, read-through on lookup. The cache is dropped whole when it passes
// its bound: every pair is in the store, so dropping it costs only lookups.
#include "host/engine/messaging/lid_map.hpp"

namespace wabot::engine::messaging {

LidMap::LidMap(std::shared_ptr<store::ContactStore> store, std::size_t max_cached)
    : store_(std::move(store)), max_cached_(max_cached == 0 ? 1 : max_cached) {}

void LidMap::trim() {
  if (pn_to_lid_.size() + lid_to_pn_.size() > 2 * max_cached_) pn_to_lid_.clear(), lid_to_pn_.clear();
  if (pn_unknown_.size() + lid_unknown_.size() > max_cached_) pn_unknown_.clear(), lid_unknown_.clear();
}

void LidMap::remember(const std::string& pn, const std::string& lid) {
  if (auto old = pn_to_lid_.find(pn); old != pn_to_lid_.end() && old->second != lid) lid_to_pn_.erase(old->second);
  if (auto old = lid_to_pn_.find(lid); old != lid_to_pn_.end() && old->second != pn) pn_to_lid_.erase(old->second);
  pn_to_lid_[pn] = lid;
  lid_to_pn_[lid] = pn;
  pn_unknown_.erase(pn);
  lid_unknown_.erase(lid);
}

Status LidMap::learn(const std::vector<store::LidMapping>& pairs) {
  std::vector<store::LidMapping> fresh;
  for (const auto& p : pairs) {
    if (p.pn.empty() || p.lid.empty()) continue;
    auto it = pn_to_lid_.find(p.pn);
    if (it != pn_to_lid_.end() && it->second == p.lid) continue;
    fresh.push_back(p);
  }
  if (fresh.empty()) return Ok{};
  Status stored = store_ ? store_->put_lid_mappings(fresh) : Status(Ok{});
  trim();
  for (const auto& p : fresh) remember(p.pn, p.lid);
  if (!stored) return stored.error().with_context("failed to store " + std::to_string(fresh.size()) + " LID mappings");
  return Ok{};
}

Result<std::optional<std::string>> LidMap::lid_for_pn(const std::string& pn_user) {
  if (auto it = pn_to_lid_.find(pn_user); it != pn_to_lid_.end()) return std::optional<std::string>(it->second);
  if (!store_ || pn_unknown_.count(pn_user)) return std::optional<std::string>{};
  auto found = store_->lid_for_pn(pn_user);
  if (!found) return found.error();
  trim();
  if (*found) remember(pn_user, **found);
  else pn_unknown_.insert(pn_user);
  return *found;
}

Result<std::optional<std::string>> LidMap::pn_for_lid(const std::string& lid_user) {
  if (auto it = lid_to_pn_.find(lid_user); it != lid_to_pn_.end()) return std::optional<std::string>(it->second);
  if (!store_ || lid_unknown_.count(lid_user)) return std::optional<std::string>{};
  auto found = store_->pn_for_lid(lid_user);
  if (!found) return found.error();
  trim();
  if (*found) remember(**found, lid_user);
  else lid_unknown_.insert(lid_user);
  return *found;
}

}  // namespace wabot::engine::messaging
