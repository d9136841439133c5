// SPDX-License-Identifier: GPL-3.0-or-later
// Names of the engine error codes, for logs and messages.
#include "host/engine/types/error.hpp"

namespace wabot::engine {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::unset: return "unset";
    case ErrorCode::malformed: return "malformed";
    case ErrorCode::too_large: return "too_large";
    case ErrorCode::crypto: return "crypto";
    case ErrorCode::certificate: return "certificate";
    case ErrorCode::protocol: return "protocol";
    case ErrorCode::io: return "io";
    case ErrorCode::timeout: return "timeout";
    case ErrorCode::auth: return "auth";
    case ErrorCode::store: return "store";
    case ErrorCode::state: return "state";
  }
  return "unknown";
}

}  // namespace wabot::engine
