// SPDX-License-Identifier: GPL-3.0-or-later
// The host's HTTP request/response model, independent of Poco: what the router hands a route handler
// (plugins reach it through the SDK's http service) and what the handler fills in.
#pragma once

#include <functional>
#include <map>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

namespace wabot::http {

struct Request {
  std::string method;                             // "GET", "POST", ...
  std::string path;                               // decoded path, no query: "/sessions/bot-1"
  std::string query;                              // raw query string without '?': "logout=false"
  std::map<std::string, std::string> query_params;// decoded; last value wins for repeated keys
  std::map<std::string, std::string> headers;     // names lower-cased
  std::map<std::string, std::string> path_params; // from the route pattern: {"agentId": "bot-1"}
  std::string route;                              // the matched pattern: "/sessions/{agentId}"
  std::string body;                               // whole body (already bounded by http.max_body_bytes)
  std::string trace_id;                           // honoured X-Trace-Id or a generated one
  std::string client_ip;                          // peer address (X-Forwarded-For is not trusted)
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers; X-Trace-Id is added by the server
};

// Runs on an HTTP worker thread. May block (e.g. waiting for a WhatsApp ack); must not throw —
// the server catches anything that escapes and answers 500 INTERNAL_ERROR.
using Handler = std::function<void(const Request&, Response&)>;

// The JSON error envelope of docs/api.md: {"error":{"code","message","traceId"[,"details"]}}.
// details_json, when non-empty, is a JSON object text placed as "details".
std::string error_body(std::string_view code, std::string_view message, std::string_view trace_id,
                       std::string_view details_json = {});

}  // namespace wabot::http
