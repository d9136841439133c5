// SPDX-License-Identifier: GPL-3.0-or-later
// EchoAiBackend: an AI backend for the benchmark that answers every POST /agents/{id}/execute with
// {"reply":"re: <input>"}, at once or after the agent's configured delay, so each reply names the
// message it answers.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace Poco::Net {
class HTTPServer;
}

namespace wabot::bench {

class EchoAiBackend {
 public:
  EchoAiBackend();  // listens on 127.0.0.1, an ephemeral port
  ~EchoAiBackend();
  EchoAiBackend(const EchoAiBackend&) = delete;
  EchoAiBackend& operator=(const EchoAiBackend&) = delete;

  std::string base_url() const;
  void set_delay_ms(const std::string& agent_id, int64_t delay_ms);
  int64_t delay_ms(const std::string& agent_id) const;
  uint64_t requests() const;
  void count_request();

 private:
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  mutable std::mutex mutex_;
  std::map<std::string, int64_t> delays_ms_;
  uint64_t requests_ = 0;
};

}  // namespace wabot::bench
