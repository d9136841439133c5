// SPDX-License-Identifier: MIT
// Sessions: the "sessions" service with owned C++ copies of the borrowed session structs.
#pragma once

#include <wabot/host.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wabot {

struct QrCode {
  std::string text;
  std::string png;  // raw bytes
  int64_t updated_at_ms = 0;
  int64_t expires_at_ms = 0;

  static QrCode copy(const wabot_qr_update& raw) {
    QrCode q;
    q.text = to_string(raw.text);
    if (raw.png.ptr) q.png.assign(reinterpret_cast<const char*>(raw.png.ptr), raw.png.len);
    q.updated_at_ms = raw.updated_at_ms;
    q.expires_at_ms = raw.expires_at_ms;
    return q;
  }
};

struct SessionInfo {
  std::string user_id, agent_id, agent_name, status, endpoint_url_run;
  int64_t last_connected_at_ms = 0, last_disconnected_at_ms = 0, created_at_ms = 0, updated_at_ms = 0;
  bool has_client = false, is_ready = false;
  wabot_session_state session_state = WABOT_SESSION_UNSET;
  std::optional<QrCode> qr;
  int64_t connected_at_ms = 0;
  std::string me_jid, me_phone, me_push_name;
  std::string me_lid;  // (1.1) empty when unknown or from a 1.0 host

  static SessionInfo copy(const wabot_session_info& raw) {
    SessionInfo s;
    s.user_id = to_string(raw.user_id);
    s.agent_id = to_string(raw.agent_id);
    s.agent_name = to_string(raw.agent_name);
    s.status = to_string(raw.status);
    s.endpoint_url_run = to_string(raw.endpoint_url_run);
    s.last_connected_at_ms = raw.last_connected_at_ms;
    s.last_disconnected_at_ms = raw.last_disconnected_at_ms;
    s.created_at_ms = raw.created_at_ms;
    s.updated_at_ms = raw.updated_at_ms;
    s.has_client = raw.has_client != 0;
    s.is_ready = raw.is_ready != 0;
    s.session_state = raw.session_state;
    if (raw.qr) s.qr = QrCode::copy(*raw.qr);
    s.connected_at_ms = raw.connected_at_ms;
    s.me_jid = to_string(raw.me_jid);
    if (WABOT_HAS_FIELD(wabot_session_info, &raw, me_lid)) s.me_lid = to_string(raw.me_lid);
    s.me_phone = to_string(raw.me_phone);
    s.me_push_name = to_string(raw.me_push_name);
    return s;
  }
};

struct SessionPage {
  std::vector<SessionInfo> sessions;
  std::string next_cursor;  // empty: last page
};

struct CreatedSession {
  SessionInfo session;
  bool created = false;  // false: the row existed
};

class Sessions {
 public:
  explicit Sessions(const Host& host) noexcept : host_(&host), table_(host.service<wabot_sessions_service_v1>("sessions", 1)) {}

  Result<CreatedSession> create(std::string_view user_id, std::string_view agent_id, std::string_view agent_name,
                                std::string_view api_key, int64_t qr_wait_ms) const {
    if (!table_) return detail::missing_service("sessions");
    wabot_session_create req{sizeof(req), to_view(user_id), to_view(agent_id), to_view(agent_name), to_view(api_key), qr_wait_ms};
    CreatedSession out;
    int32_t created = 0;
    wabot_status rc = table_->create(host_->raw(), &req, &created, &visit_one, &out.session);
    if (rc != WABOT_OK) return host_->failure(rc, std::string("failed to create session ").append(agent_id));
    out.created = created != 0;
    return out;
  }
  Result<SessionInfo> get(std::string_view agent_id) const {
    if (!table_) return detail::missing_service("sessions");
    SessionInfo out;
    wabot_status rc = table_->get(host_->raw(), to_view(agent_id), &visit_one, &out);
    if (rc != WABOT_OK) return host_->failure(rc, std::string("failed to get session ").append(agent_id));
    return out;
  }
  Result<SessionPage> list(std::string_view user_id = {}, std::string_view status = {}, std::string_view cursor = {},
                           uint32_t limit = 0) const {
    if (!table_) return detail::missing_service("sessions");
    wabot_session_filter filter{sizeof(filter), to_view(user_id), to_view(status), to_view(cursor), limit};
    SessionPage out;
    wabot_status rc = table_->list(host_->raw(), &filter, &visit_page, &out);
    if (rc != WABOT_OK) return host_->failure(rc, "failed to list sessions");
    return out;
  }
  // true when the agent existed.
  Result<bool> remove(std::string_view agent_id, bool logout) const {
    if (!table_) return detail::missing_service("sessions");
    int32_t deleted = 0;
    wabot_status rc = table_->remove(host_->raw(), to_view(agent_id), logout ? 1 : 0, &deleted);
    if (rc != WABOT_OK) return host_->failure(rc, std::string("failed to delete session ").append(agent_id));
    return deleted != 0;
  }
  Result<SessionInfo> reconnect(std::string_view agent_id, int64_t qr_wait_ms) const {
    if (!table_) return detail::missing_service("sessions");
    SessionInfo out;
    wabot_status rc = table_->reconnect(host_->raw(), to_view(agent_id), qr_wait_ms, &visit_one, &out);
    if (rc != WABOT_OK) return host_->failure(rc, std::string("failed to reconnect session ").append(agent_id));
    return out;
  }
  Result<QrCode> wait_qr(std::string_view agent_id, int64_t timeout_ms) const {
    if (!table_) return detail::missing_service("sessions");
    QrCode out;
    wabot_status rc = table_->wait_qr(host_->raw(), to_view(agent_id), timeout_ms, &visit_qr, &out);
    if (rc != WABOT_OK) return host_->failure(rc, std::string("failed to get a QR for ").append(agent_id));
    return out;
  }
  // ABI 1.1: true when `token` equals the agent's API key (constant-time, in the host). NOT_FOUND for an
  // unknown agent; UNSUPPORTED from a 1.0 host.
  Result<bool> check_api_key(std::string_view agent_id, std::string_view token) const {
    if (!table_) return detail::missing_service("sessions");
    if (!WABOT_HAS_FIELD(wabot_sessions_service_v1, table_, check_api_key) || !table_->check_api_key)
      return Status::error(WABOT_ERR_UNSUPPORTED, "the host's sessions service cannot check API keys (ABI 1.0)");
    int32_t match = 0;
    wabot_status rc = table_->check_api_key(host_->raw(), to_view(agent_id), to_view(token), &match);
    if (rc != WABOT_OK) return host_->failure(rc, std::string("failed to check the API key of ").append(agent_id));
    return match != 0;
  }

  // (1.1) The agent's api key (a secret: never log it). UNSUPPORTED on a 1.0 host.
  Result<std::string> api_key(std::string_view agent_id) const {
    if (!table_) return detail::missing_service("sessions");
    if (!WABOT_HAS_FIELD(wabot_sessions_service_v1, table_, get_api_key) || !table_->get_api_key)
      return Status::error(WABOT_ERR_UNSUPPORTED, "the host's sessions service has no get_api_key (ABI 1.1)");
    std::string out;
    wabot_status rc = table_->get_api_key(host_->raw(), to_view(agent_id), &visit_secret, &out);
    if (rc != WABOT_OK) return host_->failure(rc, std::string("failed to read the api key of ").append(agent_id));
    return out;
  }

 private:
  static void visit_secret(void* user_data, wabot_str_view secret) noexcept {
    try { *static_cast<std::string*>(user_data) = to_string(secret); } catch (...) {}
  }
  // Visitors run synchronously inside the host call; they copy, and must not throw into the host.
  static void visit_one(void* user_data, const wabot_session_info* s) noexcept {
    try { *static_cast<SessionInfo*>(user_data) = SessionInfo::copy(*s); } catch (...) {}
  }
  static void visit_page(void* user_data, const wabot_session_info* const* items, size_t count, wabot_str_view next) noexcept {
    try {
      auto* page = static_cast<SessionPage*>(user_data);
      for (size_t i = 0; i < count; ++i) page->sessions.push_back(SessionInfo::copy(*items[i]));
      page->next_cursor = to_string(next);
    } catch (...) {}
  }
  static void visit_qr(void* user_data, const wabot_qr_update* qr) noexcept {
    try { *static_cast<QrCode*>(user_data) = QrCode::copy(*qr); } catch (...) {}
  }
  const Host* host_;
  const wabot_sessions_service_v1* table_;
};

}  // namespace wabot
