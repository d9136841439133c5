// SPDX-License-Identifier: GPL-3.0-or-later
// Recipient parsing of docs/api.md: a phone (digits with optional +, spaces, dashes, parentheses) or a
// JID (@s.whatsapp.net, @c.us mapped to @s.whatsapp.net, @g.us, @lid) -> the chat's non-AD JID.
#pragma once

#include <string>
#include <string_view>

#include "host/engine/types/jid.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::sessions {

// "+62 812-3456-7890" -> 6281234567890@s.whatsapp.net. Anything else is an error saying why.
engine::Result<engine::Jid> parse_recipient(std::string_view text);

// The stanza id of a quotedMessageId: a bare id, or the whatsapp-web.js serialized form
// "true_6281...@c.us_3EB0..." (fromMe_chat_id[_participant]). Empty when it is neither.
std::string quoted_stanza_id(std::string_view quoted_message_id);

}  // namespace wabot::sessions
