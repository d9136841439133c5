// SPDX-License-Identifier: GPL-3.0-or-later
// Building the borrowed wabot_event view of a PluginEvent.
#include "host/plugins/plugin_event.hpp"

#include <wabot/status.hpp>

namespace wabot::plugins {

EventView::EventView(const PluginEvent& e) {
  event_.struct_size = sizeof(event_);
  event_.kind = e.kind;
  event_.agent_id = to_view(e.agent_id);
  event_.trace_id = to_view(e.trace_id);
  event_.timestamp_ms = e.timestamp_ms;
  if (e.message) {
    const MessageData& m = *e.message;
    for (const std::string& j : m.mentioned_jids) mentions_.push_back(to_view(j));
    message_ = wabot_message{sizeof(wabot_message), to_view(m.id), to_view(m.chat_jid), to_view(m.sender_jid),
                             to_view(m.push_name), m.type, to_view(m.text), to_view(m.quoted_message_id),
                             mentions_.empty() ? nullptr : mentions_.data(), mentions_.size(), to_view(m.media_mime_type),
                             m.timestamp_ms, m.is_group ? 1 : 0, m.is_from_me ? 1 : 0, m.flags};
    event_.message = &message_;
  }
  if (e.receipt) {
    const ReceiptData& r = *e.receipt;
    for (const std::string& id : r.message_ids) receipt_ids_.push_back(to_view(id));
    receipt_ = wabot_receipt{sizeof(wabot_receipt), to_view(r.chat_jid), to_view(r.sender_jid),
                             receipt_ids_.empty() ? nullptr : receipt_ids_.data(), receipt_ids_.size(), r.type, r.timestamp_ms};
    event_.receipt = &receipt_;
  }
  if (e.session_state) {
    state_ = wabot_session_state_change{sizeof(wabot_session_state_change), e.session_state->previous,
                                        e.session_state->current, to_view(e.session_state->reason)};
    event_.session_state = &state_;
  }
  if (e.qr) {
    qr_ = wabot_qr_update{sizeof(wabot_qr_update), to_view(e.qr->text),
                          {reinterpret_cast<const uint8_t*>(e.qr->png.data()), e.qr->png.size()}, e.qr->updated_at_ms,
                          e.qr->expires_at_ms};
    event_.qr = &qr_;
  }
  if (e.ai_execution) {
    const AiExecutionData& a = *e.ai_execution;
    ai_ = wabot_ai_execution{sizeof(wabot_ai_execution), to_view(a.agent_id), to_view(a.trace_id), to_view(a.source),
                             to_view(a.session_id), a.started_at_ms, a.latency_ms, a.http_status, to_view(a.error_code),
                             to_view(a.error_message)};
    event_.ai_execution = &ai_;
  }
  if (e.http_request) {
    http_ = wabot_http_request_record{sizeof(wabot_http_request_record), to_view(e.http_request->method),
                                      to_view(e.http_request->route), e.http_request->status, e.http_request->duration_ms};
    event_.http_request = &http_;
  }
}

}  // namespace wabot::plugins
