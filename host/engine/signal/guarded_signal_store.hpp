// SPDX-License-Identifier: GPL-3.0-or-later
// A SignalStore decorator that turns exceptions thrown by an implementation (a database driver,
// an allocation) into error statuses, so none crosses the Signal layer or libsignal's C frames.
#pragma once

#include "host/engine/store/signal_store.hpp"

#include <exception>
#include <memory>
#include <string>

namespace wabot::engine::signal {

class GuardedSignalStore : public store::SignalStore {
 public:
  explicit GuardedSignalStore(std::shared_ptr<store::SignalStore> inner) : inner_(std::move(inner)) {}

  using Status = store::SignalStoreStatus;
  using Address = store::SignalAddress;

  Status load_local_identity(std::optional<store::LocalIdentity>& out) override {
    return run("load own identity", [&] { return inner_->load_local_identity(out); });
  }
  Status save_local_identity(const store::LocalIdentity& identity) override {
    return run("save own identity", [&] { return inner_->save_local_identity(identity); });
  }
  Status load_identity(const Address& a, std::optional<crypto::Key32>& out) override {
    return run("load identity", [&] { return inner_->load_identity(a, out); });
  }
  Status save_identity(const Address& a, const crypto::Key32& key) override {
    return run("save identity", [&] { return inner_->save_identity(a, key); });
  }
  Status delete_identity(const Address& a) override {
    return run("delete identity", [&] { return inner_->delete_identity(a); });
  }
  Status delete_all_identities(const std::string& name) override {
    return run("delete identities", [&] { return inner_->delete_all_identities(name); });
  }
  Status load_session(const Address& a, std::optional<crypto::Bytes>& out) override {
    return run("load session", [&] { return inner_->load_session(a, out); });
  }
  Status save_session(const Address& a, const crypto::Bytes& record) override {
    return run("save session", [&] { return inner_->save_session(a, record); });
  }
  Status delete_session(const Address& a) override {
    return run("delete session", [&] { return inner_->delete_session(a); });
  }
  Status delete_all_sessions(const std::string& name) override {
    return run("delete sessions", [&] { return inner_->delete_all_sessions(name); });
  }
  Status list_session_devices(const std::string& name, std::vector<std::int32_t>& out) override {
    return run("list sessions", [&] { return inner_->list_session_devices(name, out); });
  }
  Status load_pre_key(std::uint32_t id, std::optional<store::PreKeyRecord>& out) override {
    return run("load prekey", [&] { return inner_->load_pre_key(id, out); });
  }
  Status save_pre_key(const store::PreKeyRecord& record) override {
    return run("save prekey", [&] { return inner_->save_pre_key(record); });
  }
  Status remove_pre_key(std::uint32_t id) override {
    return run("remove prekey", [&] { return inner_->remove_pre_key(id); });
  }
  Status load_signed_pre_key(std::uint32_t id, std::optional<store::SignedPreKeyRecord>& out) override {
    return run("load signed prekey", [&] { return inner_->load_signed_pre_key(id, out); });
  }
  Status save_signed_pre_key(const store::SignedPreKeyRecord& record) override {
    return run("save signed prekey", [&] { return inner_->save_signed_pre_key(record); });
  }
  Status remove_signed_pre_key(std::uint32_t id) override {
    return run("remove signed prekey", [&] { return inner_->remove_signed_pre_key(id); });
  }
  Status load_sender_key(const store::SenderKeyName& name, std::optional<crypto::Bytes>& out) override {
    return run("load sender key", [&] { return inner_->load_sender_key(name, out); });
  }
  Status save_sender_key(const store::SenderKeyName& name, const crypto::Bytes& record) override {
    return run("save sender key", [&] { return inner_->save_sender_key(name, record); });
  }

 private:
  template <typename F>
  static Status run(const char* what, F&& call) {
    try {
      return call();
    } catch (const std::exception& e) {
      return Status::failure(std::string("failed to ") + what + ": " + e.what());
    } catch (...) {
      return Status::failure(std::string("failed to ") + what + ": unknown exception");
    }
  }

  std::shared_ptr<store::SignalStore> inner_;
};

}  // namespace wabot::engine::signal
