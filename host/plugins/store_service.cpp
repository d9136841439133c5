// SPDX-License-Identifier: GPL-3.0-or-later
// The "store" service: plugin key/value data namespaced by plugin name, agent counters and the AI
// execution log, through the StoreBackend.
#include "host/plugins/host_call.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/plugins/services.hpp"

namespace wabot::plugins {

namespace {

constexpr size_t max_key_bytes = 256;
constexpr size_t max_value_bytes = 1u << 20;
constexpr size_t max_field_bytes = 4096;  // AI log text fields (error messages are truncated to this)

StoreBackend* backend(wabot_host* host) { return host->manager->backends().store; }

wabot_status check(wabot_host* host, wabot_str_view key) {
  if (!host_call::valid_handle(host) || !host_call::valid_view(key))
    return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid host handle or key");
  if (key.len == 0 || key.len > max_key_bytes)
    return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "store keys are 1..256 bytes");
  if (!backend(host)) return host_call::fail(WABOT_ERR_UNSUPPORTED, "the host has no store backend");
  return WABOT_OK;
}

wabot_status put(wabot_host* host, wabot_str_view key, wabot_bytes_view value) {
  return host_call::guarded("store.put", [&] {
    if (wabot_status rc = check(host, key); rc != WABOT_OK) return rc;
    if (value.len && !value.ptr) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid value view");
    if (value.len > max_value_bytes) return host_call::fail(WABOT_ERR_TOO_LARGE, "store values are at most 1 MiB");
    Status s = backend(host)->put(host->plugin->name(), from_view(key),
                                  std::string_view(reinterpret_cast<const char*>(value.ptr), value.len));
    if (!s) return host_call::fail(s);
    return host_call::ok();
  });
}

wabot_status get(wabot_host* host, wabot_str_view key, wabot_bytes_visitor_fn visit, void* user_data) {
  return host_call::guarded("store.get", [&] {
    if (wabot_status rc = check(host, key); rc != WABOT_OK) return rc;
    auto r = backend(host)->get(host->plugin->name(), from_view(key));
    if (!r) return host_call::fail(r.status());
    if (visit) visit(user_data, {reinterpret_cast<const uint8_t*>(r.value().data()), r.value().size()});
    return host_call::ok();
  });
}

wabot_status remove(wabot_host* host, wabot_str_view key) {
  return host_call::guarded("store.remove", [&] {
    if (wabot_status rc = check(host, key); rc != WABOT_OK) return rc;
    Status s = backend(host)->remove(host->plugin->name(), from_view(key));
    if (!s) return host_call::fail(s);
    return host_call::ok();
  });
}

wabot_status agent_stats(wabot_host* host, wabot_str_view agent_id, wabot_agent_stats* out) {
  return host_call::guarded("store.agent_stats", [&] {
    if (wabot_status rc = check(host, agent_id); rc != WABOT_OK) return rc;
    if (!out || out->struct_size < sizeof(wabot_agent_stats))
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "agent stats output missing or too small");
    auto r = backend(host)->agent_stats(from_view(agent_id));
    if (!r) return host_call::fail(r.status());
    out->incoming_messages = r.value().incoming_messages;
    out->outgoing_messages = r.value().outgoing_messages;
    out->ai_executions = r.value().ai_executions;
    out->last_activity_ms = r.value().last_activity_ms;
    return host_call::ok();
  });
}

std::string bounded(wabot_str_view v) { return std::string(from_view(v).substr(0, max_field_bytes)); }

wabot_status record_ai_execution(wabot_host* host, const wabot_ai_execution* e) {
  return host_call::guarded("store.record_ai_execution", [&] {
    if (!e || e->struct_size < sizeof(wabot_ai_execution))
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "AI execution record missing or too small");
    // Checked without the backend first: the event below is published even on a host without a store.
    if (!host_call::valid_handle(host) || !host_call::valid_view(e->agent_id) || e->agent_id.len == 0 ||
        e->agent_id.len > max_key_bytes)
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid host handle or agent id in AI execution record");
    for (wabot_str_view v : {e->trace_id, e->source, e->session_id, e->error_code, e->error_message})
      if (!host_call::valid_view(v)) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid view in AI execution record");
    AiExecutionRecord record{bounded(e->agent_id), bounded(e->trace_id), bounded(e->source), bounded(e->session_id),
                             e->started_at_ms, e->latency_ms, e->http_status, bounded(e->error_code),
                             bounded(e->error_message)};
    // (1.1) Other plugins (metrics) see every AI call, whether or not the log write below succeeds.
    PluginEvent event;
    event.kind = WABOT_EVENT_AI_EXECUTION;
    event.agent_id = record.agent_id;
    event.trace_id = record.trace_id;
    event.timestamp_ms = e->started_at_ms + e->latency_ms;
    event.ai_execution = AiExecutionData{record.agent_id, record.trace_id, record.source, record.session_id,
                                         record.started_at_ms, record.latency_ms, record.http_status,
                                         record.error_code, record.error_message};
    host->manager->publish(event);
    if (wabot_status rc = check(host, e->agent_id); rc != WABOT_OK) return rc;
    Status s = backend(host)->record_ai_execution(record);
    if (!s) return host_call::fail(s);
    return host_call::ok();
  });
}

constexpr wabot_store_service_v1 table{sizeof(wabot_store_service_v1), &put, &get, &remove, &agent_stats, &record_ai_execution};

}  // namespace

const wabot_store_service_v1* store_service() { return &table; }

}  // namespace wabot::plugins
