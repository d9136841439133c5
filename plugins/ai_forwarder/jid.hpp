// SPDX-License-Identifier: GPL-3.0-or-later
// Jid helpers: the user part of a JID and the phone/JID normalisation of docs/api.md ("Identifiers").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ai_forwarder::jid {

// "6281:12@s.whatsapp.net" → "6281"; "123@lid" → "123"; no '@' → the input without a device suffix.
std::string_view user(std::string_view jid);
// The part after '@' ("s.whatsapp.net", "g.us", "lid", ...); empty when there is none.
std::string_view server(std::string_view jid);
// A phone ("+62 812-3456-7890") or JID (@s.whatsapp.net, @c.us, @g.us, @lid) → canonical JID; nullopt
// for anything else.
std::optional<std::string> normalize(std::string_view text);

}  // namespace ai_forwarder::jid
