// SPDX-License-Identifier: GPL-3.0-or-later
// The "sessions" service: checks the plugin's request, calls the SessionsBackend, and hands the result
// to the plugin's visitor as borrowed views.
#include "host/plugins/host_call.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/plugins/services.hpp"
#include "host/plugins/session_info_view.hpp"

#include <memory>
#include <vector>

namespace wabot::plugins {

namespace {

constexpr uint32_t default_page = 50, max_page = 500;
constexpr int64_t max_wait_ms = 10 * 60 * 1000;  // no plugin holds a thread on a QR for longer

SessionsBackend* backend(wabot_host* host) { return host->manager->backends().sessions; }

wabot_status no_backend() { return host_call::fail(WABOT_ERR_UNSUPPORTED, "the host has no sessions backend"); }

// agentId of docs/api.md: ^[A-Za-z0-9._-]{1,64}$
bool valid_agent_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return false;
  return true;
}

wabot_status check(wabot_host* host, wabot_str_view agent_id) {
  if (!host_call::valid_handle(host) || !host_call::valid_view(agent_id))
    return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid host handle or agent id");
  if (!valid_agent_id(from_view(agent_id))) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid agent id");
  if (!backend(host)) return no_backend();
  return WABOT_OK;
}

int64_t clamp_wait(int64_t ms) { return ms < 0 ? 0 : (ms > max_wait_ms ? max_wait_ms : ms); }

wabot_status visit_result(Result<SessionInfo>& r, wabot_session_visitor_fn visit, void* user_data) {
  if (!r) return host_call::fail(r.status());
  SessionInfoView view(r.value());
  if (visit) visit(user_data, view.get());
  return host_call::ok();
}

wabot_status create(wabot_host* host, const wabot_session_create* request, int32_t* out_created,
                    wabot_session_visitor_fn visit, void* user_data) {
  return host_call::guarded("sessions.create", [&] {
    if (!request || request->struct_size < sizeof(wabot_session_create))
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "session create request missing or too small");
    if (wabot_status rc = check(host, request->agent_id); rc != WABOT_OK) return rc;
    for (wabot_str_view v : {request->user_id, request->agent_name, request->api_key})
      if (!host_call::valid_view(v)) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid view in session request");
    SessionCreateRequest req{to_string(request->user_id), to_string(request->agent_id), to_string(request->agent_name),
                             to_string(request->api_key), clamp_wait(request->qr_wait_ms)};
    auto r = backend(host)->create(req);
    if (!r) return host_call::fail(r.status());
    if (out_created) *out_created = r.value().created ? 1 : 0;
    SessionInfoView view(r.value().session);
    if (visit) visit(user_data, view.get());
    return host_call::ok();
  });
}

wabot_status get(wabot_host* host, wabot_str_view agent_id, wabot_session_visitor_fn visit, void* user_data) {
  return host_call::guarded("sessions.get", [&] {
    if (wabot_status rc = check(host, agent_id); rc != WABOT_OK) return rc;
    auto r = backend(host)->get(from_view(agent_id));
    return visit_result(r, visit, user_data);
  });
}

wabot_status list(wabot_host* host, const wabot_session_filter* filter, wabot_session_page_visitor_fn visit, void* user_data) {
  return host_call::guarded("sessions.list", [&] {
    if (!host_call::valid_handle(host)) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid host handle");
    if (!backend(host)) return no_backend();
    SessionFilter f;
    if (filter) {
      if (filter->struct_size < sizeof(wabot_session_filter))
        return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "session filter too small");
      for (wabot_str_view v : {filter->user_id, filter->status, filter->cursor})
        if (!host_call::valid_view(v) || v.len > 256) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid filter field");
      f.user_id = to_string(filter->user_id);
      f.status = to_string(filter->status);
      f.cursor = to_string(filter->cursor);
      f.limit = filter->limit == 0 ? default_page : (filter->limit > max_page ? max_page : filter->limit);
    }
    auto r = backend(host)->list(f);
    if (!r) return host_call::fail(r.status());
    std::vector<std::unique_ptr<SessionInfoView>> views;
    std::vector<const wabot_session_info*> ptrs;
    for (const SessionInfo& s : r.value().sessions) {
      views.push_back(std::make_unique<SessionInfoView>(s));
      ptrs.push_back(views.back()->get());
    }
    if (visit) visit(user_data, ptrs.data(), ptrs.size(), to_view(r.value().next_cursor));
    return host_call::ok();
  });
}

wabot_status remove(wabot_host* host, wabot_str_view agent_id, int32_t logout, int32_t* out_deleted) {
  return host_call::guarded("sessions.remove", [&] {
    if (wabot_status rc = check(host, agent_id); rc != WABOT_OK) return rc;
    auto r = backend(host)->remove(from_view(agent_id), logout != 0);
    if (!r) return host_call::fail(r.status());
    if (out_deleted) *out_deleted = r.value() ? 1 : 0;
    return host_call::ok();
  });
}

wabot_status reconnect(wabot_host* host, wabot_str_view agent_id, int64_t qr_wait_ms, wabot_session_visitor_fn visit,
                       void* user_data) {
  return host_call::guarded("sessions.reconnect", [&] {
    if (wabot_status rc = check(host, agent_id); rc != WABOT_OK) return rc;
    auto r = backend(host)->reconnect(from_view(agent_id), clamp_wait(qr_wait_ms));
    return visit_result(r, visit, user_data);
  });
}

wabot_status wait_qr(wabot_host* host, wabot_str_view agent_id, int64_t timeout_ms, wabot_qr_visitor_fn visit, void* user_data) {
  return host_call::guarded("sessions.wait_qr", [&] {
    if (wabot_status rc = check(host, agent_id); rc != WABOT_OK) return rc;
    auto r = backend(host)->wait_qr(from_view(agent_id), clamp_wait(timeout_ms));
    if (!r) return host_call::fail(r.status());
    wabot_qr_update qr = SessionInfoView::qr_view(r.value());
    if (visit) visit(user_data, &qr);
    return host_call::ok();
  });
}

wabot_status check_api_key(wabot_host* host, wabot_str_view agent_id, wabot_str_view token, int32_t* out_match) {
  return host_call::guarded("sessions.check_api_key", [&] {
    if (wabot_status rc = check(host, agent_id); rc != WABOT_OK) return rc;
    if (!host_call::valid_view(token) || token.len > 4096)
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid token view");  // never echo the token
    if (!out_match) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "out_match is NULL");
    auto r = backend(host)->check_api_key(from_view(agent_id), from_view(token));
    if (!r) return host_call::fail(r.status());
    *out_match = r.value() ? 1 : 0;
    return host_call::ok();
  });
}

wabot_status get_api_key(wabot_host* host, wabot_str_view agent_id, wabot_secret_visitor_fn visit, void* user_data) {
  return host_call::guarded("sessions.get_api_key", [&] {
    if (wabot_status rc = check(host, agent_id); rc != WABOT_OK) return rc;
    auto r = backend(host)->api_key(from_view(agent_id));
    if (!r) return host_call::fail(r.status());
    if (visit) visit(user_data, to_view(r.value()));
    return host_call::ok();
  });
}

constexpr wabot_sessions_service_v1 table{sizeof(wabot_sessions_service_v1), &create, &get, &list, &remove, &reconnect, &wait_qr,
                                          &check_api_key, &get_api_key};

}  // namespace

const wabot_sessions_service_v1* sessions_service() { return &table; }

}  // namespace wabot::plugins
