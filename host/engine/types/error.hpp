// SPDX-License-Identifier: GPL-3.0-or-later
// Error values of the engine: an area code plus a message with context. Never thrown across layers.
#pragma once

#include <string>
#include <utility>

namespace wabot::engine {

enum class ErrorCode {
  unset = 0,
  malformed,        // bad bytes on the wire (codec, protobuf, frame)
  too_large,        // input over a configured bound
  crypto,           // a decrypt/verify/derive step failed
  certificate,      // the server certificate chain was refused
  protocol,         // a well-formed but unexpected message
  io,               // socket / TLS / WebSocket failure
  timeout,          // a deadline passed
  auth,             // the server refused our credentials
  store,            // credential storage failed
  state,            // call not valid in the current state
};

struct Error {
  ErrorCode code = ErrorCode::unset;
  std::string message;

  Error() = default;
  Error(ErrorCode c, std::string m) : code(c), message(std::move(m)) {}

  // "context: message", keeping the original code.
  Error with_context(const std::string& context) const { return Error(code, context + ": " + message); }
};

const char* error_code_name(ErrorCode code);

}  // namespace wabot::engine
