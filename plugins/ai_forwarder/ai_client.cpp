// SPDX-License-Identifier: GPL-3.0-or-later
// AiClient: Poco HTTPClientSession / HTTPSClientSession with the agent's Bearer key and X-Trace-Id.
#include "ai_client.hpp"

#include "ai_reply.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <chrono>
#include <istream>
#include <memory>

namespace ai_forwarder {

namespace {

using Clock = std::chrono::steady_clock;

int64_t since_ms(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// Reads at most `limit` bytes; `truncated` says whether more was there.
std::string read_limited(std::istream& in, size_t limit, bool& truncated) {
  std::string out;
  char buf[8192];
  truncated = false;
  while (in) {
    in.read(buf, sizeof(buf));
    std::streamsize n = in.gcount();
    if (n <= 0) break;
    if (out.size() + static_cast<size_t>(n) > limit) {
      truncated = true;
      break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Poco::Net::Context::Ptr client_tls_context() {
  // One context for the process: system CAs, certificate and name verified. VERIFY_STRICT, not RELAXED:
  // Poco skips the name check in RELAXED mode when the host is a local name.
  static Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                                              Poco::Net::Context::VERIFY_STRICT, 9, true);
  return ctx;
}

}  // namespace

std::string AiClient::display_url(const std::string& url) {
  try {
    Poco::URI u(url);
    std::string out = u.getScheme() + "://" + u.getHost();
    if (!u.getPath().empty()) out += u.getPath();
    return out;
  } catch (...) {
    return "<invalid url>";
  }
}

AiOutcome AiClient::call(const AiCall& c) const {
  AiOutcome out;
  const auto start = Clock::now();
  auto fail = [&](const char* code, std::string message) {
    out.latency_ms = since_ms(start);
    out.error_code = code;
    out.error_message = std::move(message);
    return out;
  };
  const std::string where = display_url(c.url);
  try {
    Poco::URI uri(c.url);
    if (uri.getScheme() != "http" && uri.getScheme() != "https")
      return fail("AI_DOWNSTREAM_ERROR", "AI backend URL " + where + " is not http or https");
    if (uri.getHost().empty()) return fail("AI_DOWNSTREAM_ERROR", "AI backend URL has no host");
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (uri.getScheme() == "https")
      session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), client_tls_context());
    else
      session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    // Poco applies this to connect, each send and each receive; the total is checked below too.
    session->setTimeout(Poco::Timespan(c.timeout_ms * 1000));
    std::string target = uri.getPathAndQuery();
    if (target.empty()) target = "/";
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, target, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setContentType("application/json");
    req.setContentLength(static_cast<std::streamsize>(c.body_json.size()));
    if (!c.api_key.empty()) req.set("Authorization", "Bearer " + c.api_key);
    if (!c.trace_id.empty()) req.set("X-Trace-Id", c.trace_id);
    req.set("Accept", "application/json, text/plain");
    session->sendRequest(req) << c.body_json;
    Poco::Net::HTTPResponse res;
    std::istream& in = session->receiveResponse(res);
    out.http_status = static_cast<int32_t>(res.getStatus());
    bool truncated = false;
    std::string body = read_limited(in, max_response_bytes, truncated);
    if (since_ms(start) > c.timeout_ms)
      return fail("AI_TIMEOUT", "AI backend " + where + " did not answer within " + std::to_string(c.timeout_ms) + " ms");
    if (out.http_status < 200 || out.http_status > 299)
      return fail("AI_DOWNSTREAM_ERROR", "AI backend " + where + " answered HTTP " + std::to_string(out.http_status));
    if (truncated)
      return fail("AI_DOWNSTREAM_ERROR", "AI backend " + where + " answered more than " + std::to_string(max_response_bytes) + " bytes");
    AiReply parsed = parse_ai_reply(body);
    if (!parsed.usable) return fail("AI_DOWNSTREAM_ERROR", parsed.problem + " (" + where + ")");
    out.reply = std::move(parsed.reply);
    out.latency_ms = since_ms(start);
    return out;
  } catch (const Poco::TimeoutException&) {
    return fail("AI_TIMEOUT", "AI backend " + where + " did not answer within " + std::to_string(c.timeout_ms) + " ms");
  } catch (const Poco::Exception& e) {
    return fail("AI_DOWNSTREAM_ERROR", "AI backend " + where + " unreachable: " + e.displayText());
  } catch (const std::exception& e) {
    return fail("AI_DOWNSTREAM_ERROR", "AI backend " + where + " failed: " + e.what());
  }
}

}  // namespace ai_forwarder
