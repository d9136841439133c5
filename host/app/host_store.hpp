// SPDX-License-Identifier: GPL-3.0-or-later
// HostStore: the SDK's "store" service over wabot_store: plugin key/value rows, per-agent stats from
// the message log and the AI execution log, and AI executions appended to that log.
#pragma once

#include "host/plugins/store_backend.hpp"
#include "host/store/database.hpp"

#include <memory>
#include <mutex>

namespace wabot::app {

class HostStore final : public plugins::StoreBackend {
 public:
  explicit HostStore(std::shared_ptr<store::Database> database) : database_(std::move(database)) {}

  // Plugin key/value rows (store::PluginKvRepository), namespaced by plugin name; get answers
  // NOT_FOUND for an absent key, remove of an absent key is not an error.
  Status put(std::string_view plugin, std::string_view key, std::string_view value) override;
  Result<std::string> get(std::string_view plugin, std::string_view key) override;
  Status remove(std::string_view plugin, std::string_view key) override;

  Result<AgentStats> agent_stats(std::string_view agent_id) override;
  Status record_ai_execution(const plugins::AiExecutionRecord& record) override;

  // Drops the database so the store can close it; later calls answer UNSUPPORTED.
  void close();

 private:
  std::shared_ptr<store::Database> database();

  std::mutex mutex_;
  std::shared_ptr<store::Database> database_;
};

}  // namespace wabot::app
