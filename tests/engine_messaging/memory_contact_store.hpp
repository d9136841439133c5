// SPDX-License-Identifier: GPL-3.0-or-later
// Test double: an in-memory ContactStore with the database's semantics (one-to-one pairs, later pair
// wins), call counters, and a switch that makes every call fail to exercise error paths.
#pragma once

#include <atomic>
#include <map>
#include <mutex>

#include "host/engine/store/contact_store.hpp"

namespace wabot::test {

class MemoryContactStore : public wabot::engine::store::ContactStore {
 public:
  using LidMapping = wabot::engine::store::LidMapping;
  using PrivacyToken = wabot::engine::store::PrivacyToken;
  template <class T>
  using Result = wabot::engine::Result<T>;

  std::atomic<bool> fail_all{false};
  std::atomic<int> writes{0};
  std::atomic<int> reads{0};

  wabot::engine::Status put_lid_mappings(const std::vector<LidMapping>& mappings) override {
    std::lock_guard lock(mu_);
    ++writes;
    if (fail_all) return failure("store LID mappings");
    for (const auto& m : mappings)
      if (m.pn.empty() || m.lid.empty()) return wabot::engine::Error(wabot::engine::ErrorCode::store, "a LID mapping needs both a lid and a pn");
    for (const auto& m : mappings) {
      if (auto old = pn_to_lid_.find(m.pn); old != pn_to_lid_.end()) lid_to_pn_.erase(old->second);
      if (auto old = lid_to_pn_.find(m.lid); old != lid_to_pn_.end()) pn_to_lid_.erase(old->second);
      pn_to_lid_[m.pn] = m.lid;
      lid_to_pn_[m.lid] = m.pn;
    }
    return wabot::engine::Ok{};
  }
  Result<std::optional<std::string>> lid_for_pn(std::string_view pn) override { return find(pn_to_lid_, pn, "look up a LID"); }
  Result<std::optional<std::string>> pn_for_lid(std::string_view lid) override { return find(lid_to_pn_, lid, "look up a PN"); }

  wabot::engine::Status put_privacy_token(std::string_view jid, const PrivacyToken& token) override {
    std::lock_guard lock(mu_);
    ++writes;
    if (fail_all) return failure("store a privacy token");
    tokens_[std::string(jid)] = token;
    return wabot::engine::Ok{};
  }
  Result<std::optional<PrivacyToken>> privacy_token(std::string_view jid) override {
    std::lock_guard lock(mu_);
    ++reads;
    if (fail_all) return failure("load a privacy token");
    auto it = tokens_.find(std::string(jid));
    if (it == tokens_.end()) return std::optional<PrivacyToken>{};
    return std::optional<PrivacyToken>(it->second);
  }

  wabot::engine::Status put_nct_salt(const wabot::engine::crypto::Bytes& salt) override {
    std::lock_guard lock(mu_);
    ++writes;
    if (fail_all) return failure("store the NCT salt");
    salt_ = salt;
    return wabot::engine::Ok{};
  }
  Result<std::optional<wabot::engine::crypto::Bytes>> nct_salt() override {
    std::lock_guard lock(mu_);
    ++reads;
    if (fail_all) return failure("load the NCT salt");
    return salt_;
  }

  std::size_t mapping_count() {
    std::lock_guard lock(mu_);
    return pn_to_lid_.size();
  }

 private:
  static wabot::engine::Error failure(const std::string& what) {
    return wabot::engine::Error(wabot::engine::ErrorCode::store, "failed to " + what + ": injected failure");
  }
  Result<std::optional<std::string>> find(const std::map<std::string, std::string>& m, std::string_view key, const char* what) {
    std::lock_guard lock(mu_);
    ++reads;
    if (fail_all) return failure(what);
    auto it = m.find(std::string(key));
    if (it == m.end()) return std::optional<std::string>{};
    return std::optional<std::string>(it->second);
  }

  std::mutex mu_;
  std::map<std::string, std::string> pn_to_lid_;
  std::map<std::string, std::string> lid_to_pn_;
  std::map<std::string, PrivacyToken> tokens_;
  std::optional<wabot::engine::crypto::Bytes> salt_;
};

}  // namespace wabot::test
