// SPDX-License-Identifier: GPL-3.0-or-later
// The "messaging" service: copies the plugin's send request (it may be queued behind the rate limiter)
// and blocks on the MessagingBackend until the server acknowledged or the send failed.
#include "host/common/log.hpp"
#include "host/plugins/host_call.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/plugins/services.hpp"

#include <algorithm>
#include <cstring>

namespace wabot::plugins {

namespace {

constexpr size_t max_text_bytes = 64 * 1024;       // WhatsApp's own limit is lower; this bounds our copy
constexpr size_t max_mentions = 1024;
constexpr size_t max_media_bytes = 100 * 1024 * 1024;  // hard ceiling; media.max_bytes is enforced by the backend

MessagingBackend* backend(wabot_host* host) { return host->manager->backends().messaging; }

bool views_ok(std::initializer_list<wabot_str_view> views) {
  for (wabot_str_view v : views)
    if (!host_call::valid_view(v)) return false;
  return true;
}

void fill_id(wabot_message_id* out, const std::string& id) {
  if (!out || out->struct_size < sizeof(wabot_message_id)) return;
  out->len = std::min(id.size(), sizeof(out->id));
  std::memcpy(out->id, id.data(), out->len);
}

// The trace id of the request or event being handled on this thread when the plugin gives none.
std::string trace_or_current(wabot_str_view given) {
  return given.len ? to_string(given) : log::current().trace_id;
}

wabot_status send_text(wabot_host* host, const wabot_send_text* request, wabot_message_id* out_id) {
  return host_call::guarded("messaging.send_text", [&] {
    if (!host_call::valid_handle(host) || !request || request->struct_size < sizeof(wabot_send_text))
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "send_text request missing or too small");
    if (!views_ok({request->agent_id, request->to, request->text, request->quoted_message_id, request->trace_id}))
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid view in send_text request");
    if (request->agent_id.len == 0 || request->to.len == 0)
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "send_text needs an agent id and a recipient");
    if (request->text.len > max_text_bytes)
      return host_call::fail(WABOT_ERR_TOO_LARGE, "text of " + std::to_string(request->text.len) + " bytes is too long");
    if (request->mention_count > max_mentions || (request->mention_count && !request->mentions))
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid mentions");
    if (!backend(host)) return host_call::fail(WABOT_ERR_UNSUPPORTED, "the host has no messaging backend");
    TextSend send{to_string(request->agent_id), to_string(request->to), to_string(request->text),
                  to_string(request->quoted_message_id), {}, trace_or_current(request->trace_id), request->timeout_ms};
    for (size_t i = 0; i < request->mention_count; ++i) {
      if (!host_call::valid_view(request->mentions[i])) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid mention");
      send.mentions.push_back(to_string(request->mentions[i]));
    }
    auto r = backend(host)->send_text(send);
    if (!r) return host_call::fail(r.status());
    fill_id(out_id, r.value());
    return host_call::ok();
  });
}

wabot_status send_media(wabot_host* host, const wabot_send_media* request, wabot_message_id* out_id) {
  return host_call::guarded("messaging.send_media", [&] {
    if (!host_call::valid_handle(host) || !request || request->struct_size < sizeof(wabot_send_media))
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "send_media request missing or too small");
    if (!views_ok({request->agent_id, request->to, request->mime_type, request->file_name, request->caption, request->trace_id}) ||
        (request->data.len && !request->data.ptr))
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid view in send_media request");
    if (request->agent_id.len == 0 || request->to.len == 0 || request->data.len == 0)
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "send_media needs an agent id, a recipient and data");
    if (request->data.len > max_media_bytes)
      return host_call::fail(WABOT_ERR_TOO_LARGE, "media of " + std::to_string(request->data.len) + " bytes is too large");
    if (request->caption.len > max_text_bytes) return host_call::fail(WABOT_ERR_TOO_LARGE, "caption is too long");
    if (!backend(host)) return host_call::fail(WABOT_ERR_UNSUPPORTED, "the host has no messaging backend");
    MediaSend send{to_string(request->agent_id), to_string(request->to),
                   std::string(reinterpret_cast<const char*>(request->data.ptr), request->data.len),
                   to_string(request->mime_type), to_string(request->file_name), to_string(request->caption),
                   trace_or_current(request->trace_id), request->timeout_ms};
    auto r = backend(host)->send_media(send);
    if (!r) return host_call::fail(r.status());
    fill_id(out_id, r.value());
    return host_call::ok();
  });
}

wabot_status set_typing(wabot_host* host, wabot_str_view agent_id, wabot_str_view chat_jid, wabot_typing_state state) {
  return host_call::guarded("messaging.set_typing", [&] {
    if (!host_call::valid_handle(host) || !views_ok({agent_id, chat_jid}) || agent_id.len == 0 || chat_jid.len == 0)
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "set_typing needs an agent id and a chat");
    if (state != WABOT_TYPING_COMPOSING && state != WABOT_TYPING_PAUSED)
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "unknown typing state " + std::to_string(state));
    if (!backend(host)) return host_call::fail(WABOT_ERR_UNSUPPORTED, "the host has no messaging backend");
    Status s = backend(host)->set_typing(to_string(agent_id), to_string(chat_jid), state);
    if (!s) return host_call::fail(s);
    return host_call::ok();
  });
}

constexpr wabot_messaging_service_v1 table{sizeof(wabot_messaging_service_v1), &send_text, &send_media, &set_typing};

}  // namespace

const wabot_messaging_service_v1* messaging_service() { return &table; }

}  // namespace wabot::plugins
