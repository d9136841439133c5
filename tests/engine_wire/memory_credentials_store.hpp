// SPDX-License-Identifier: GPL-3.0-or-later
// In-memory CredentialsStore for tests (the database implementation is host/store's).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "host/engine/store/credentials_store.hpp"

namespace wabot::engine::test {

class MemoryCredentialsStore : public store::CredentialsStore {
 public:
  Result<std::optional<store::Credentials>> load(std::string_view agent_id) override {
    std::lock_guard lock(mu_);
    ++loads_;
    auto it = map_.find(std::string(agent_id));
    if (it == map_.end()) return std::optional<store::Credentials>();
    return std::optional<store::Credentials>(it->second);
  }
  Status save(std::string_view agent_id, const store::Credentials& c) override {
    std::lock_guard lock(mu_);
    if (fail_saves_) return Error(ErrorCode::store, "injected save failure");
    map_[std::string(agent_id)] = c;
    ++saves_;
    return Ok{};
  }
  Status clear(std::string_view agent_id) override {
    std::lock_guard lock(mu_);
    map_.erase(std::string(agent_id));
    ++clears_;
    return Ok{};
  }
  std::optional<store::Credentials> get(const std::string& id) {
    std::lock_guard lock(mu_);
    auto it = map_.find(id);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  int clears() {
    std::lock_guard lock(mu_);
    return clears_;
  }
  void set_fail_saves(bool f) {
    std::lock_guard lock(mu_);
    fail_saves_ = f;
  }

 private:
  std::mutex mu_;
  std::map<std::string, store::Credentials> map_;
  int loads_ = 0, saves_ = 0, clears_ = 0;
  bool fail_saves_ = false;
};

}  // namespace wabot::engine::test
