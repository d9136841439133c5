// SPDX-License-Identifier: GPL-3.0-or-later
// Errors of the Signal layer as values: a code per failure kind plus a message with context.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace wabot::engine::signal {

enum class SignalErrorCode {
  unset = 0,
  invalid_input,           // caller gave bytes/keys of the wrong shape
  store_failed,            // the SignalStore returned an error (message carries its cause)
  missing_local_identity,  // the agent has no identity yet (not paired / not initialised)
  no_session,              // no 1:1 session (fetch a bundle) or no sender key for the group
  invalid_message,         // malformed, wrong version, bad MAC, unknown prekey id ...
  invalid_key,             // a bundle/SKDM key or signature does not verify
  duplicate_message,       // already decrypted (counter reused)
  untrusted_identity,      // identity changed and could not be re-trusted
  internal,                // libsignal failed for another reason (allocation, ...)
};

const char* to_string(SignalErrorCode code);

struct SignalError {
  SignalErrorCode code = SignalErrorCode::unset;
  std::string message;
};

// Result type for void operations.
struct SignalDone {};

// A value or a SignalError (no exceptions cross this layer).
template <typename T>
class SignalResult {
 public:
  SignalResult(T value) : value_(std::move(value)) {}
  SignalResult(SignalError error) : error_(std::move(error)) {}

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  const SignalError& error() const { return error_; }

 private:
  std::optional<T> value_;
  SignalError error_;
};

}  // namespace wabot::engine::signal
