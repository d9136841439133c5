// SPDX-License-Identifier: GPL-3.0-or-later
// An owned libsignal `signal_context` wired to our OpenSSL provider and a recursive mutex.
#pragma once

#include <signal_protocol.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace wabot::engine::crypto {

// libsignal takes this context's lock inside every session/group operation. One SignalContext per
// agent keeps agents independent; the process-wide one serves key and signature helpers.
class SignalContext {
 public:
  // The new context, or nullptr with *error naming the libsignal call that failed.
  static std::unique_ptr<SignalContext> create(std::string* error);
  // The process-wide context (created on first use; aborts only if libsignal cannot allocate it).
  static SignalContext& process();

  ~SignalContext();
  SignalContext(const SignalContext&) = delete;
  SignalContext& operator=(const SignalContext&) = delete;

  signal_context* get() const { return context_; }
  // The same recursive mutex libsignal locks; callers may hold it around a sequence of operations.
  std::recursive_mutex& mutex() { return mutex_; }

 private:
  SignalContext() = default;
  signal_context* context_ = nullptr;
  std::recursive_mutex mutex_;
};

}  // namespace wabot::engine::crypto
