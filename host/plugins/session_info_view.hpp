// SPDX-License-Identifier: GPL-3.0-or-later
// SessionInfoView: the borrowed wabot_session_info (and its QR) built from an owned SessionInfo.
#pragma once

#include <wabot/abi.h>
#include <wabot/sessions.hpp>

namespace wabot::plugins {

class SessionInfoView {
 public:
  explicit SessionInfoView(const SessionInfo& s) {
    info_.struct_size = sizeof(info_);
    info_.user_id = to_view(s.user_id);
    info_.agent_id = to_view(s.agent_id);
    info_.agent_name = to_view(s.agent_name);
    info_.status = to_view(s.status);
    info_.endpoint_url_run = to_view(s.endpoint_url_run);
    info_.last_connected_at_ms = s.last_connected_at_ms;
    info_.last_disconnected_at_ms = s.last_disconnected_at_ms;
    info_.created_at_ms = s.created_at_ms;
    info_.updated_at_ms = s.updated_at_ms;
    info_.has_client = s.has_client ? 1 : 0;
    info_.is_ready = s.is_ready ? 1 : 0;
    info_.session_state = s.session_state;
    if (s.qr) {
      qr_ = qr_view(*s.qr);
      info_.qr = &qr_;
    }
    info_.connected_at_ms = s.connected_at_ms;
    info_.me_jid = to_view(s.me_jid);
    info_.me_phone = to_view(s.me_phone);
    info_.me_push_name = to_view(s.me_push_name);
    info_.me_lid = to_view(s.me_lid);
  }
  SessionInfoView(const SessionInfoView&) = delete;  // points into itself
  SessionInfoView& operator=(const SessionInfoView&) = delete;
  const wabot_session_info* get() const { return &info_; }

  static wabot_qr_update qr_view(const QrCode& q) {
    return wabot_qr_update{sizeof(wabot_qr_update), to_view(q.text),
                           {reinterpret_cast<const uint8_t*>(q.png.data()), q.png.size()}, q.updated_at_ms, q.expires_at_ms};
  }

 private:
  wabot_session_info info_{};
  wabot_qr_update qr_{};
};

}  // namespace wabot::plugins
