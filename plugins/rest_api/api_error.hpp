// SPDX-License-Identifier: GPL-3.0-or-later
// ApiError: an error of docs/api.md (HTTP status + code + message), the response envelopes, and the
// mapping of SDK statuses onto the API's codes.
#pragma once

#include <Poco/JSON/Object.h>

#include <wabot/status.hpp>

#include <string>
#include <string_view>

namespace rest_api {

struct ApiError {
  int http_status = 0;
  std::string code;     // "INVALID_PAYLOAD", ...
  std::string message;  // says what; never a secret
  std::string field;    // optional: details.field

  static ApiError invalid(std::string message, std::string field = {}) {
    return {400, "INVALID_PAYLOAD", std::move(message), std::move(field)};
  }
  static ApiError unauthorized(std::string message) { return {401, "UNAUTHORIZED", std::move(message), {}}; }
  static ApiError internal(std::string message) { return {500, "INTERNAL_ERROR", std::move(message), {}}; }
};

// How an ALREADY_EXISTS / TIMEOUT status reads in the calling endpoint.
struct StatusContext {
  std::string already_exists_code = "INTERNAL_ERROR";  // AGENT_ID_TAKEN, ALREADY_CONNECTED
  int timeout_http = 502;
  std::string timeout_code = "BAD_GATEWAY";            // QR_TIMEOUT (504) for QR waits
};

ApiError from_status(const wabot::Status& status, const StatusContext& context = {});

// {"error":{"code","message","traceId"[,"details":{"field"}]}}
std::string error_body(const ApiError& error, std::string_view trace_id);
// {"data":<data>,"traceId"}
std::string data_body(const Poco::JSON::Object& data, std::string_view trace_id);

}  // namespace rest_api
