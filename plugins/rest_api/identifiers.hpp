// SPDX-License-Identifier: GPL-3.0-or-later
// Identifiers of docs/api.md: agentId, phone/JID normalisation and quotedMessageId forms.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rest_api {

// ^[A-Za-z0-9._-]{1,64}$
bool valid_agent_id(std::string_view agent_id);

// `+62 812-3456-7890` → `6281234567890@s.whatsapp.net`; `x@c.us` → `x@s.whatsapp.net`; `@g.us` and
// `@lid` kept. nullopt for anything else.
std::optional<std::string> normalize_jid(std::string_view phone_or_jid);

// A stanza id (`3EB0...`) or the whatsapp-web.js serialized id (`true_6281...@c.us_3EB0...[_participant]`)
// → the stanza id. nullopt when neither.
std::optional<std::string> quoted_stanza_id(std::string_view quoted_message_id);

}  // namespace rest_api
