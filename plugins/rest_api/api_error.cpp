// SPDX-License-Identifier: GPL-3.0-or-later
// The error/success envelopes of docs/api.md and the SDK-status → API-code table.
#include "api_error.hpp"

#include <sstream>

namespace rest_api {

namespace {
// The sessions layer prefixes some messages with the API code it means ("AGENT_ID_TAKEN: ...").
bool message_starts_with(const wabot::Status& s, std::string_view prefix) {
  return std::string_view(s.message()).substr(0, prefix.size()) == prefix;
}
}  // namespace

ApiError from_status(const wabot::Status& s, const StatusContext& context) {
  const std::string& m = s.message();
  switch (s.code()) {
    case WABOT_ERR_INVALID_ARGUMENT: return ApiError{400, "INVALID_PAYLOAD", m, {}};
    case WABOT_ERR_NOT_FOUND: return ApiError{404, "SESSION_NOT_FOUND", m, {}};
    case WABOT_ERR_NOT_READY: return ApiError{409, "SESSION_NOT_READY", m, {}};
    case WABOT_ERR_RATE_LIMITED: return ApiError{429, "RATE_LIMITED", m, {}};
    case WABOT_ERR_BAD_GATEWAY: return ApiError{502, "BAD_GATEWAY", m, {}};
    case WABOT_ERR_TOO_LARGE: return ApiError{413, "MEDIA_TOO_LARGE", m, {}};
    case WABOT_ERR_ALREADY_EXISTS:
      if (message_starts_with(s, "AGENT_ID_TAKEN")) return ApiError{409, "AGENT_ID_TAKEN", m, {}};
      if (message_starts_with(s, "ALREADY_CONNECTED")) return ApiError{409, "ALREADY_CONNECTED", m, {}};
      if (context.already_exists_code != "INTERNAL_ERROR") return ApiError{409, context.already_exists_code, m, {}};
      return ApiError{500, "INTERNAL_ERROR", m, {}};
    case WABOT_ERR_TIMEOUT:
      if (message_starts_with(s, "QR_TIMEOUT")) return ApiError{504, "QR_TIMEOUT", m, {}};
      return ApiError{context.timeout_http, context.timeout_code, m, {}};
    default: return ApiError{500, "INTERNAL_ERROR", m, {}};
  }
}

std::string error_body(const ApiError& e, std::string_view trace_id) {
  Poco::JSON::Object error(Poco::JSON_PRESERVE_KEY_ORDER);
  error.set("code", e.code);
  error.set("message", e.message);
  error.set("traceId", std::string(trace_id));
  if (!e.field.empty()) {
    Poco::JSON::Object details(Poco::JSON_PRESERVE_KEY_ORDER);
    details.set("field", e.field);
    error.set("details", details);
  }
  Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
  root.set("error", error);
  std::ostringstream out;
  root.stringify(out);
  return out.str();
}

std::string data_body(const Poco::JSON::Object& data, std::string_view trace_id) {
  Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
  root.set("data", data);
  root.set("traceId", std::string(trace_id));
  std::ostringstream out;
  root.stringify(out);
  return out.str();
}

}  // namespace rest_api
