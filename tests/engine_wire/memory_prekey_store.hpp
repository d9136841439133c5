// SPDX-License-Identifier: GPL-3.0-or-later
// In-memory PreKeyStore for tests (the persistent one belongs to the Signal layer).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "host/engine/client/prekey_store.hpp"

namespace wabot::engine::test {

class MemoryPreKeyStore : public client::PreKeyStore {
 public:
  Result<std::vector<client::PreKey>> generate_pre_keys(std::string_view agent_id, std::size_t count) override {
    std::lock_guard lock(mu_);
    auto& a = agents_[std::string(agent_id)];
    std::vector<client::PreKey> out;
    for (std::size_t i = 0; i < count; ++i) {
      client::PreKey k{a.next_id++, crypto::generate_key_pair()};
      a.keys[k.id] = k.key_pair;
      out.push_back(k);
    }
    return out;
  }
  Status mark_uploaded(std::string_view agent_id, std::uint32_t up_to_id) override {
    std::lock_guard lock(mu_);
    agents_[std::string(agent_id)].uploaded_up_to = up_to_id;
    return Ok{};
  }
  std::uint32_t uploaded_up_to(const std::string& agent) {
    std::lock_guard lock(mu_);
    return agents_[agent].uploaded_up_to;
  }

 private:
  struct Agent {
    std::uint32_t next_id = 1;
    std::uint32_t uploaded_up_to = 0;
    std::map<std::uint32_t, crypto::KeyPair> keys;
  };
  std::mutex mu_;
  std::map<std::string, Agent> agents_;
};

}  // namespace wabot::engine::test
