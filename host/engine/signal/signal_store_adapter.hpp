// SPDX-License-Identifier: GPL-3.0-or-later
// Bridges libsignal's five store interfaces (callbacks) to one agent's engine SignalStore.
#pragma once

#include "host/engine/store/signal_store.hpp"

#include <signal_protocol.h>

#include <memory>
#include <string>

namespace wabot::engine::signal {

// Owns a signal_protocol_store_context whose callbacks call `store`. Not thread-safe by itself:
// the owning SignalProtocol holds the agent lock around every use.
class SignalStoreAdapter {
 public:
  static std::unique_ptr<SignalStoreAdapter> create(store::SignalStore& store, signal_context* context, std::string* error);
  ~SignalStoreAdapter();
  SignalStoreAdapter(const SignalStoreAdapter&) = delete;
  SignalStoreAdapter& operator=(const SignalStoreAdapter&) = delete;

  signal_protocol_store_context* get() const { return store_context_; }
  store::SignalStore& store() { return store_; }

  // The cause of the most recent failed store call since the last take (empty when none):
  // libsignal only passes our negative code through, so the text travels beside it.
  std::string take_store_error();
  void record_store_error(std::string error);

  // Conversions between the store's records and libsignal's serialised records.
  bool serialize_pre_key(const store::PreKeyRecord& record, signal_buffer** out) const;
  bool parse_pre_key(const std::uint8_t* data, std::size_t len, store::PreKeyRecord& out) const;
  bool serialize_signed_pre_key(const store::SignedPreKeyRecord& record, signal_buffer** out) const;
  bool parse_signed_pre_key(const std::uint8_t* data, std::size_t len, store::SignedPreKeyRecord& out) const;

 private:
  SignalStoreAdapter(store::SignalStore& store, signal_context* context) : store_(store), context_(context) {}

  store::SignalStore& store_;
  signal_context* context_;
  signal_protocol_store_context* store_context_ = nullptr;
  std::string last_error_;
};

}  // namespace wabot::engine::signal
