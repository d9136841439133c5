// SPDX-License-Identifier: GPL-3.0-or-later
// LidMap: the PN <-> LID user mapping of one agent, a bounded in-memory cache in front of the
// ContactStore (the store is the truth: a new Messenger over the same store knows every pair).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "host/engine/store/contact_store.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::engine::messaging {

// Not thread-safe: the Messenger calls it under its lock. Without a store it is a cache only (nothing
// survives a restart).
class LidMap {
 public:
  explicit LidMap(std::shared_ptr<store::ContactStore> store, std::size_t max_cached = 50'000);

  // Records the pairs (user parts). Pairs already known are not written again; new ones go to the
  // store in one call, then into the cache (also when the store failed, so this run still uses them).
  // Empty sides are ignored. Each side maps to one other: an older pair sharing a side is dropped.
  Status learn(const std::vector<store::LidMapping>& pairs);

  // From the cache, else from the store (then cached; misses are cached too until the next learn).
  Result<std::optional<std::string>> lid_for_pn(const std::string& pn_user);
  Result<std::optional<std::string>> pn_for_lid(const std::string& lid_user);

 private:
  void remember(const std::string& pn, const std::string& lid);
  void trim();

  std::shared_ptr<store::ContactStore> store_;
  std::size_t max_cached_;
  std::unordered_map<std::string, std::string> pn_to_lid_;
  std::unordered_map<std::string, std::string> lid_to_pn_;
  std::unordered_set<std::string> pn_unknown_;   // looked up in the store, not there
  std::unordered_set<std::string> lid_unknown_;
};

}  // namespace wabot::engine::messaging
