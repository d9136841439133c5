// SPDX-License-Identifier: GPL-3.0-or-later
// Test double: an in-memory SignalStore (a mutex guards it so tests can also share it across
// threads), with a switch that makes every call fail to exercise error paths.
#pragma once

#include "host/engine/store/signal_store.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>

namespace wabot::test {

namespace st = wabot::engine::store;

class MemorySignalStore : public st::SignalStore {
 public:
  std::atomic<bool> fail_all{false};
  std::atomic<bool> throw_all{false};  // an implementation that throws (e.g. a database driver)
  std::atomic<int> calls{0};

  st::SignalStoreStatus load_local_identity(std::optional<st::LocalIdentity>& out) override {
    return guard("load own identity", [&] { out = local_; });
  }
  st::SignalStoreStatus save_local_identity(const st::LocalIdentity& identity) override {
    return guard("save own identity", [&] { local_ = identity; });
  }
  st::SignalStoreStatus load_identity(const st::SignalAddress& a, std::optional<st::Key32>& out) override {
    return guard("load identity", [&] { out = find(identities_, a); });
  }
  st::SignalStoreStatus save_identity(const st::SignalAddress& a, const st::Key32& key) override {
    return guard("save identity", [&] { identities_[a] = key; });
  }
  st::SignalStoreStatus delete_identity(const st::SignalAddress& a) override {
    return guard("delete identity", [&] { identities_.erase(a); });
  }
  st::SignalStoreStatus delete_all_identities(const std::string& name) override {
    return guard("delete identities", [&] { erase_name(identities_, name); });
  }
  st::SignalStoreStatus load_session(const st::SignalAddress& a, std::optional<st::Bytes>& out) override {
    return guard("load session", [&] { out = find(sessions_, a); });
  }
  st::SignalStoreStatus save_session(const st::SignalAddress& a, const st::Bytes& record) override {
    return guard("save session", [&] { sessions_[a] = record; });
  }
  st::SignalStoreStatus delete_session(const st::SignalAddress& a) override {
    return guard("delete session", [&] { sessions_.erase(a); });
  }
  st::SignalStoreStatus delete_all_sessions(const std::string& name) override {
    return guard("delete sessions", [&] { erase_name(sessions_, name); });
  }
  st::SignalStoreStatus list_session_devices(const std::string& name, std::vector<std::int32_t>& out) override {
    return guard("list sessions", [&] {
      out.clear();
      for (const auto& [a, _] : sessions_)
        if (a.name == name) out.push_back(a.device_id);
    });
  }
  st::SignalStoreStatus load_pre_key(std::uint32_t id, std::optional<st::PreKeyRecord>& out) override {
    return guard("load prekey", [&] { out = find(pre_keys_, id); });
  }
  st::SignalStoreStatus save_pre_key(const st::PreKeyRecord& r) override {
    return guard("save prekey", [&] { pre_keys_[r.id] = r; });
  }
  st::SignalStoreStatus remove_pre_key(std::uint32_t id) override {
    return guard("remove prekey", [&] { pre_keys_.erase(id); });
  }
  st::SignalStoreStatus load_signed_pre_key(std::uint32_t id, std::optional<st::SignedPreKeyRecord>& out) override {
    return guard("load signed prekey", [&] { out = find(signed_pre_keys_, id); });
  }
  st::SignalStoreStatus save_signed_pre_key(const st::SignedPreKeyRecord& r) override {
    return guard("save signed prekey", [&] { signed_pre_keys_[r.id] = r; });
  }
  st::SignalStoreStatus remove_signed_pre_key(std::uint32_t id) override {
    return guard("remove signed prekey", [&] { signed_pre_keys_.erase(id); });
  }
  st::SignalStoreStatus load_sender_key(const st::SenderKeyName& n, std::optional<st::Bytes>& out) override {
    return guard("load sender key", [&] { out = find(sender_keys_, n); });
  }
  st::SignalStoreStatus save_sender_key(const st::SenderKeyName& n, const st::Bytes& record) override {
    return guard("save sender key", [&] { sender_keys_[n] = record; });
  }

  // Inspection for tests.
  std::size_t pre_key_count() {
    std::lock_guard lock(mutex_);
    return pre_keys_.size();
  }
  std::size_t session_count() {
    std::lock_guard lock(mutex_);
    return sessions_.size();
  }
  std::optional<st::Key32> identity_of(const st::SignalAddress& a) {
    std::lock_guard lock(mutex_);
    return find(identities_, a);
  }
  // A copy of everything, as a database would hold it after a restart.
  std::shared_ptr<MemorySignalStore> clone() {
    std::lock_guard lock(mutex_);
    auto copy = std::make_shared<MemorySignalStore>();
    copy->local_ = local_;
    copy->identities_ = identities_;
    copy->sessions_ = sessions_;
    copy->pre_keys_ = pre_keys_;
    copy->signed_pre_keys_ = signed_pre_keys_;
    copy->sender_keys_ = sender_keys_;
    return copy;
  }

 private:
  template <typename F>
  st::SignalStoreStatus guard(const char* what, F&& body) {
    ++calls;
    if (throw_all) throw std::runtime_error(std::string("driver exploded during ") + what);
    if (fail_all) return st::SignalStoreStatus::failure(std::string("failed to ") + what + ": injected failure");
    std::lock_guard lock(mutex_);
    body();
    return st::SignalStoreStatus::success();
  }
  template <typename M, typename K>
  static std::optional<typename M::mapped_type> find(const M& map, const K& key) {
    auto it = map.find(key);
    if (it == map.end()) return std::nullopt;
    return it->second;
  }
  template <typename M>
  static void erase_name(M& map, const std::string& name) {
    for (auto it = map.begin(); it != map.end();) it = it->first.name == name ? map.erase(it) : std::next(it);
  }

  std::mutex mutex_;
  std::optional<st::LocalIdentity> local_;
  std::map<st::SignalAddress, st::Key32> identities_;
  std::map<st::SignalAddress, st::Bytes> sessions_;
  std::map<std::uint32_t, st::PreKeyRecord> pre_keys_;
  std::map<std::uint32_t, st::SignedPreKeyRecord> signed_pre_keys_;
  std::map<st::SenderKeyName, st::Bytes> sender_keys_;
};

}  // namespace wabot::test
