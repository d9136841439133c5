// SPDX-License-Identifier: GPL-3.0-or-later
// Names of the store's error codes, for logs and for mapping to API errors.
#include "host/store/result.hpp"

namespace wabot::store {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::unset: return "unset";
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::unavailable: return "unavailable";
    case ErrorCode::constraint: return "constraint";
    case ErrorCode::agent_id_taken: return "agent_id_taken";
    case ErrorCode::migration_failed: return "migration_failed";
    case ErrorCode::internal: return "internal";
  }
  return "unknown";
}

}  // namespace wabot::store
