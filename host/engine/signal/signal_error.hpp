// SPDX-License-Identifier: GPL-3.0-or-later
// Errors of the Signal layer as values: a code per failure kind plus a message with context.
#pragma once

#include <string>

#include "host/engine/types/result.hpp"

namespace wabot::engine::signal {

// Results of this layer are engine::Result<T, SignalError> (Ok for void operations).

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

}  // namespace wabot::engine::signal
