// SPDX-License-Identifier: GPL-3.0-or-later
// GroupInfo: a group's metadata (w:g2 query): subject, addressing mode and participants with both
// of their addresses when the server gives them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "host/engine/types/node.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::engine::messaging {

enum class AddressingMode { unset = 0, pn, lid };

struct GroupParticipant {
  Jid jid;                 // in the group's addressing mode
  std::optional<Jid> pn;   // phone_number (lid groups) or the jid itself (pn groups)
  std::optional<Jid> lid;  // lid (pn groups) or the jid itself (lid groups)
  std::string role;        // "", "admin", "superadmin"
};

struct GroupInfo {
  Jid jid;  // <id>@g.us
  std::string subject;
  AddressingMode addressing_mode = AddressingMode::unset;
  std::vector<GroupParticipant> participants;
};

// <iq xmlns="w:g2" type="get" to="<gid>"><query request="interactive"/></iq>
Node make_group_info_query(const Jid& group);
// Errors: 404 (no such group), 403 (not a member), or a reply without <group>.
Result<GroupInfo> parse_group_info(const Node& reply);

}  // namespace wabot::engine::messaging
