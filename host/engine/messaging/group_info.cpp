// SPDX-License-Identifier: GPL-3.0-or-later
// Group metadata query and parsing.
#include "host/engine/messaging/group_info.hpp"

namespace wabot::engine::messaging {

Node make_group_info_query(const Jid& group) {
  return Node("iq", {{"to", group}, {"type", "get"}, {"xmlns", "w:g2"}}, NodeList{Node("query", {{"request", "interactive"}})});
}

Result<GroupInfo> parse_group_info(const Node& reply) {
  if (reply.attr_or("type") == "error") {
    const Node* err = reply.child("error");
    std::string code = err ? err->attr_or("code") : "";
    std::string why = code == "404" ? "group not found" : code == "403" ? "not a member of the group" : "refused";
    return Error(ErrorCode::protocol, "group query failed: " + code + " " + why);
  }
  const Node* g = reply.child("group");
  if (!g) return Error(ErrorCode::malformed, "group reply has no <group>");
  GroupInfo info;
  auto id = g->attr_or("id");
  auto jid = Jid::parse(id.find('@') == std::string::npos ? id + "@g.us" : id);
  if (!jid || !jid->is_group()) return Error(ErrorCode::malformed, "group reply has a bad id '" + id + "'");
  info.jid = jid.value();
  info.subject = g->attr_or("subject");
  info.addressing_mode = g->attr_or("addressing_mode") == "lid" ? AddressingMode::lid : AddressingMode::pn;
  for (const Node* p : g->children_named("participant")) {
    auto pj = p->attr_jid("jid");
    if (!pj) continue;
    GroupParticipant gp;
    gp.jid = pj->to_non_ad();
    gp.role = p->attr_or("type");
    if (gp.jid.is_lid()) gp.lid = gp.jid;
    if (gp.jid.is_pn()) gp.pn = gp.jid;
    if (auto pn = p->attr_jid("phone_number"); pn && pn->is_pn()) gp.pn = pn->to_non_ad();
    if (auto lid = p->attr_jid("lid"); lid && lid->is_lid()) gp.lid = lid->to_non_ad();
    info.participants.push_back(std::move(gp));
  }
  return info;
}

}  // namespace wabot::engine::messaging
