// SPDX-License-Identifier: GPL-3.0-or-later
// AiClient: one blocking POST to an agent's AI backend (Poco HTTP/HTTPS), mapped to AI_TIMEOUT /
// AI_DOWNSTREAM_ERROR as docs/api.md says.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ai_forwarder {

struct AiCall {
  std::string url;      // endpoint_url_run, or ${ai.backend_url}/agents/{agentId}/execute
  std::string api_key;  // secret: sent as Bearer, never logged or put in an error
  std::string trace_id;
  std::string body_json;
  int64_t timeout_ms = 60'000;
};

struct AiOutcome {
  int32_t http_status = 0;  // 0: no answer
  int64_t latency_ms = 0;
  std::optional<std::string> reply;
  std::string error_code;     // empty on success; "AI_TIMEOUT" | "AI_DOWNSTREAM_ERROR"
  std::string error_message;  // with context, never a secret
  bool ok() const { return error_code.empty(); }
};

class AiClient {
 public:
  static constexpr size_t max_response_bytes = 1 << 20;  // an AI reply is text; more is not read

  AiOutcome call(const AiCall& call) const;

  // The URL without user info or query, for logs and error messages.
  static std::string display_url(const std::string& url);
};

}  // namespace ai_forwarder
