// SPDX-License-Identifier: GPL-3.0-or-later
// The SDK store service's backend over the store's repositories.
#include "host/app/host_store.hpp"

#include "host/store/ai_execution_repository.hpp"
#include "host/store/agent_activity_repository.hpp"
#include "host/store/plugin_kv_repository.hpp"

#include <algorithm>

namespace wabot::app {
namespace {

wabot_status to_sdk_code(store::ErrorCode code) {
  switch (code) {
    case store::ErrorCode::invalid_argument: return WABOT_ERR_INVALID_ARGUMENT;
    case store::ErrorCode::unavailable: return WABOT_ERR_RETRY;
    default: return WABOT_ERR_INTERNAL;
  }
}

Status closed() { return Status::error(WABOT_ERR_UNSUPPORTED, "the database is closed"); }

// The key is the plugin's own (may be personal data in a plugin's scheme): errors name only the plugin.
Status kv_error(const char* action, std::string_view plugin, const store::Error& cause) {
  return Status::error(to_sdk_code(cause.code),
                       std::string("failed to ") + action + " a key/value row of plugin " + std::string(plugin) + ": " +
                           cause.message);
}

}  // namespace

Status HostStore::put(std::string_view plugin, std::string_view key, std::string_view value) {
  auto db = database();
  if (!db) return closed();
  store::Status saved = store::PluginKvRepository(*db).put(plugin, key, value);
  if (!saved.ok()) return kv_error("save", plugin, saved.error());
  return Status::ok();
}

Result<std::string> HostStore::get(std::string_view plugin, std::string_view key) {
  auto db = database();
  if (!db) return closed();
  auto found = store::PluginKvRepository(*db).get(plugin, key);
  if (!found.ok()) return kv_error("read", plugin, found.error());
  if (!found->has_value()) return Status::error(WABOT_ERR_NOT_FOUND, "plugin " + std::string(plugin) + " has no such key");
  return std::move(**found);
}

Status HostStore::remove(std::string_view plugin, std::string_view key) {
  auto db = database();
  if (!db) return closed();
  auto removed = store::PluginKvRepository(*db).remove(plugin, key);
  if (!removed.ok()) return kv_error("remove", plugin, removed.error());
  return Status::ok();
}

void HostStore::close() {
  std::lock_guard lock(mutex_);
  database_.reset();
}

std::shared_ptr<store::Database> HostStore::database() {
  std::lock_guard lock(mutex_);
  return database_;
}

Result<AgentStats> HostStore::agent_stats(std::string_view agent_id) {
  auto db = database();
  if (!db) return Status::error(WABOT_ERR_UNSUPPORTED, "the database is closed");
  auto activity = store::AgentActivityRepository(*db).get(agent_id);
  if (!activity.ok()) return Status::error(to_sdk_code(activity.error().code), activity.error().message);
  AgentStats stats;  // zeros when the agent has no logged activity yet
  if (*activity) {
    const store::AgentActivity& a = **activity;
    stats.incoming_messages = static_cast<uint64_t>(std::max<std::int64_t>(0, a.incoming_messages));
    stats.outgoing_messages = static_cast<uint64_t>(std::max<std::int64_t>(0, a.outgoing_messages));
    stats.ai_executions = static_cast<uint64_t>(std::max<std::int64_t>(0, a.ai_executions));
    stats.last_activity_ms = a.last_activity_ms.value_or(0);
  }
  return stats;
}

Status HostStore::record_ai_execution(const plugins::AiExecutionRecord& r) {
  store::AiExecution e;
  e.agent_id = r.agent_id;
  e.trace_id = r.trace_id;
  e.session_id = r.session_id;
  e.source = r.source;
  // The SDK record carries no input or reply text (they may be personal data); the log keeps the
  // outcome, timing and status.
  if (r.error_code.empty()) e.status = "success";
  else if (r.error_code.find("TIMEOUT") != std::string::npos) e.status = "timeout";
  else e.status = "error";
  if (r.http_status != 0) e.http_status = r.http_status;
  if (!r.error_code.empty() || !r.error_message.empty())
    e.error = r.error_message.empty() ? r.error_code : r.error_code + ": " + r.error_message;
  e.latency_ms = r.latency_ms;
  auto db = database();
  if (!db) return Status::error(WABOT_ERR_UNSUPPORTED, "the database is closed");
  store::Status appended = store::AiExecutionRepository(*db).append(e);
  if (!appended.ok()) return Status::error(to_sdk_code(appended.error().code), appended.error().message);
  return Status::ok();
}

}  // namespace wabot::app
