// SPDX-License-Identifier: GPL-3.0-or-later
// http_request(): one HTTP/1.1 call to a loopback server under test, answered as status, headers and body.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <cstdint>
#include <map>
#include <string>

namespace wabot::test {

struct HttpReply {
  int status = 0;  // 0: no answer (connection refused or reset)
  std::string body;
  std::string trace_id;  // X-Trace-Id
  std::string allow;     // Allow

  // The "data" object of a JSON success envelope.
  Poco::JSON::Object::Ptr data() const {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>()->getObject("data");
  }
  // error.code of a JSON error envelope ("" when the body has none).
  std::string error_code() const {
    try {
      auto error = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>()->getObject("error");
      return error ? error->optValue<std::string>("code", "") : "";
    } catch (const Poco::Exception&) {
      return "";
    }
  }
};

struct HttpCall {
  std::string bearer;                          // sent as "Authorization: Bearer <bearer>" when not empty
  std::map<std::string, std::string> headers;  // any other request headers
  std::string content_type = "application/json";
  int timeout_s = 60;
};

// Throws Poco::Exception when the server cannot be reached; see try_http_request for polling.
inline HttpReply http_request(std::uint16_t port, const std::string& method, const std::string& path,
                              const std::string& body = "", const HttpCall& call = {}) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(call.timeout_s, 0));
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!call.bearer.empty()) req.set("Authorization", "Bearer " + call.bearer);
  for (const auto& [k, v] : call.headers) req.set(k, v);
  if (!body.empty()) {
    req.setContentType(call.content_type);
    req.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  session.sendRequest(req) << body;
  Poco::Net::HTTPResponse response;
  HttpReply r;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), r.body);
  r.status = static_cast<int>(response.getStatus());
  r.trace_id = response.get("X-Trace-Id", "");
  r.allow = response.get("Allow", "");
  return r;
}

// The same, answering status 0 instead of throwing (a server that is starting or was just killed).
inline HttpReply try_http_request(std::uint16_t port, const std::string& method, const std::string& path,
                                  const std::string& body = "", const HttpCall& call = {}) {
  try {
    return http_request(port, method, path, body, call);
  } catch (const Poco::Exception&) {
    return HttpReply{};
  }
}

}  // namespace wabot::test
