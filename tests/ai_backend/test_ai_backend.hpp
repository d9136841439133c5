// SPDX-License-Identifier: GPL-3.0-or-later
// TestAiBackend: a real HTTP server (Poco) standing in for an agent's AI backend in tests. It records
// every request and answers per agent with a scenario: a reply under any field name of docs/api.md, a
// plain-string body, slow past the caller's timeout, HTTP 500, or malformed JSON.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace wabot::testing {

struct AiScenario {
  enum class Kind { kUnset = 0, kJsonField, kDataField, kPlainString, kStatus500, kMalformedJson, kEmptyObject };
  Kind kind = Kind::kJsonField;
  std::string field = "reply";  // kJsonField / kDataField: the key the reply goes under
  std::string text = "hi from the AI";
  int64_t delay_ms = 0;         // answer only after this long (slow past a timeout)

  static AiScenario reply(std::string text, std::string field = "reply") { return {Kind::kJsonField, std::move(field), std::move(text), 0}; }
  static AiScenario under_data(std::string text, std::string field) { return {Kind::kDataField, std::move(field), std::move(text), 0}; }
  static AiScenario plain(std::string text) { return {Kind::kPlainString, "", std::move(text), 0}; }
  static AiScenario error500() { return {Kind::kStatus500, "", "", 0}; }
  static AiScenario malformed() { return {Kind::kMalformedJson, "", "", 0}; }
  static AiScenario no_reply() { return {Kind::kEmptyObject, "", "", 0}; }
  AiScenario slow(int64_t ms) const { AiScenario s = *this; s.delay_ms = ms; return s; }
};

struct AiRequestRecord {
  std::string method, uri, agent_id;  // agent_id: from /agents/{id}/..., else a path segment naming a scenario's agent
  std::string authorization, trace_id, content_type, body;
  int64_t received_at_ms = 0;         // steady clock, for ordering/latency checks
};

class TestAiBackend {
 public:
  TestAiBackend();  // listens on 127.0.0.1, an ephemeral port
  ~TestAiBackend();
  TestAiBackend(const TestAiBackend&) = delete;
  TestAiBackend& operator=(const TestAiBackend&) = delete;

  uint16_t port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT"

  // Scenario for requests whose path is /agents/{agent_id}/... or has a segment equal to `agent_id`;
  // others get the default.
  void set_scenario(const std::string& agent_id, AiScenario s);
  void set_default(AiScenario s);

  std::vector<AiRequestRecord> requests() const;
  // Waits until at least `n` requests arrived; false on timeout.
  bool wait_for_requests(size_t n, int64_t timeout_ms) const;

  struct State;  // shared with the request handlers

 private:
  std::shared_ptr<State> state_;
  struct Server;
  std::unique_ptr<Server> server_;
};

}  // namespace wabot::testing
