// SPDX-License-Identifier: GPL-3.0-or-later
// Mapping of stream errors and connect failures to client actions (whatsmeow's handling, Baileys' codes).
#include "host/engine/client/connection_verdict.hpp"

namespace wabot::engine::client {

ConnectionVerdict classify_stream_error(const Node& node) {
  const std::string code = node.attr_or("code");
  const Node* conflict = node.child("conflict");
  const std::string conflict_type = conflict ? conflict->attr_or("type") : "";
  std::string detail = "stream:error" + (code.empty() ? "" : " code=" + code) + (conflict ? " conflict=" + conflict_type : "");
  if (code == "515") return {VerdictAction::restart_now, DisconnectReason::restart_required, detail};
  if (code == "401" || conflict_type == "device_removed") return {VerdictAction::logged_out, DisconnectReason::logged_out, detail};
  if (conflict) return {VerdictAction::stop, DisconnectReason::conflict, detail};  // "replaced" (Baileys 440)
  if (code == "440") return {VerdictAction::stop, DisconnectReason::conflict, detail};
  if (!code.empty() && code[0] == '5') return {VerdictAction::reconnect_backoff, DisconnectReason::server_error, detail};
  if (node.child("xmlstreamend")) return {VerdictAction::reconnect_backoff, DisconnectReason::connection_lost, detail};
  // Unknown stream errors: whatsmeow reconnects; so do we, with backoff.
  return {VerdictAction::reconnect_backoff, DisconnectReason::server_error, detail};
}

ConnectionVerdict classify_failure(const Node& node) {
  const std::string reason = node.attr_or("reason");
  std::string detail = "failure reason=" + reason;
  if (auto m = node.attr("message")) detail += " message=" + *m;
  if (reason == "401" || reason == "403" || reason == "406") return {VerdictAction::auth_failed, DisconnectReason::auth_failed, detail};
  if (reason == "405") return {VerdictAction::stop, DisconnectReason::client_outdated, detail + " (update the WhatsApp version)"};
  if (!reason.empty() && reason[0] == '5') return {VerdictAction::reconnect_backoff, DisconnectReason::server_error, detail};
  return {VerdictAction::stop, DisconnectReason::protocol_error, detail};
}

}  // namespace wabot::engine::client
