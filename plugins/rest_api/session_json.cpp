// SPDX-License-Identifier: GPL-3.0-or-later
// Session, QR and stats objects of docs/api.md. The API key is not in SessionInfo, so it cannot leak.
#include "session_json.hpp"

#include "health_response.hpp"

#include <Poco/Base64Encoder.h>

#include <sstream>

namespace rest_api {

namespace {
const char* session_state_text(wabot_session_state s) {
  switch (s) {
    case WABOT_SESSION_STARTING: return "starting";
    case WABOT_SESSION_AWAITING_QR: return "awaiting_qr";
    case WABOT_SESSION_PAIRING: return "pairing";
    case WABOT_SESSION_CONNECTED: return "connected";
    case WABOT_SESSION_RECONNECTING: return "reconnecting";
    case WABOT_SESSION_DISCONNECTED: return "disconnected";
    case WABOT_SESSION_LOGGED_OUT: return "logged_out";
    default: return "disconnected";  // no client yet: nothing is connected
  }
}

std::string base64(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);  // one line, as Node's Buffer.toString('base64')
  encoder << bytes;
  encoder.close();
  return out.str();
}

Poco::Dynamic::Var text_or_null(const std::string& s) { return s.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s); }
}  // namespace

Poco::Dynamic::Var time_or_null(int64_t unix_ms) {
  if (unix_ms == 0) return Poco::Dynamic::Var();
  return Poco::Dynamic::Var(iso8601_utc_ms(unix_ms));
}

Poco::JSON::Object qr_json(const wabot::QrCode& qr, bool with_text) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("contentType", std::string("image/png"));
  o.set("base64", base64(qr.png));
  if (with_text) o.set("text", qr.text);
  return o;
}

Poco::JSON::Object session_json(const wabot::SessionInfo& s, bool with_qr) {
  Poco::JSON::Object live(Poco::JSON_PRESERVE_KEY_ORDER);
  live.set("hasClient", s.has_client);
  live.set("isReady", s.is_ready);
  live.set("sessionState", std::string(session_state_text(s.session_state)));
  if (with_qr && s.qr) {
    live.set("qr", qr_json(*s.qr, false));
    live.set("qrUpdatedAt", time_or_null(s.qr->updated_at_ms));
  } else {
    live.set("qr", Poco::Dynamic::Var());
    live.set("qrUpdatedAt", Poco::Dynamic::Var());
  }
  live.set("connectedAt", time_or_null(s.connected_at_ms));
  if (s.me_jid.empty()) {
    live.set("me", Poco::Dynamic::Var());
  } else {
    Poco::JSON::Object me(Poco::JSON_PRESERVE_KEY_ORDER);
    me.set("jid", s.me_jid);
    me.set("phone", text_or_null(s.me_phone));
    me.set("pushName", text_or_null(s.me_push_name));
    live.set("me", me);
  }
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("userId", s.user_id);
  o.set("agentId", s.agent_id);
  o.set("agentName", s.agent_name);
  o.set("status", s.status);
  o.set("endpointUrlRun", text_or_null(s.endpoint_url_run));
  o.set("lastConnectedAt", time_or_null(s.last_connected_at_ms));
  o.set("lastDisconnectedAt", time_or_null(s.last_disconnected_at_ms));
  o.set("createdAt", time_or_null(s.created_at_ms));
  o.set("updatedAt", time_or_null(s.updated_at_ms));
  o.set("liveState", live);
  return o;
}

Poco::JSON::Object stats_json(const wabot::AgentStats& stats) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("incomingMessages", static_cast<Poco::UInt64>(stats.incoming_messages));
  o.set("outgoingMessages", static_cast<Poco::UInt64>(stats.outgoing_messages));
  o.set("aiExecutions", static_cast<Poco::UInt64>(stats.ai_executions));
  o.set("lastActivity", time_or_null(stats.last_activity_ms));
  return o;
}

}  // namespace rest_api
