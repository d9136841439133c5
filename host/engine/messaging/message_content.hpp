// SPDX-License-Identifier: GPL-3.0-or-later
// Message content: building outgoing text Messages (plain, reply, mentions) and reading inbound ones
// (unwrapping the wrappers, then text, context and media fields into an InboundMessage).
#pragma once

#include <string>
#include <vector>

#include "host/engine/messaging/messaging_events.hpp"
#include "wa_e2e.pb.h"

namespace wabot::engine::messaging {

// The message a reply quotes.
struct QuotedMessage {
  std::string id;
  std::string participant;  // the quoted message's sender, non-AD (e.g. "111@lid")
  std::string text;         // its text (sent as the quoted conversation)
  std::string remote_jid;   // only when quoting another chat
};

// `conversation` when there is neither a quote nor a mention, otherwise extendedTextMessage with
// contextInfo (stanzaId, participant, quotedMessage, mentionedJid).
wabot::proto::Message make_text_message(const std::string& text, const std::vector<std::string>& mentions,
                                        const QuotedMessage* quoted);

// Peels deviceSent, ephemeral, viewOnce (v1, v2, v2 extension), documentWithCaption and edited wrappers.
const wabot::proto::Message& unwrap_message(const wabot::proto::Message& message);

// Fills text, mentions, quoted id/participant, media and is_protocol of `out` from an unwrapped message.
// Returns false when the message carries nothing a bot reports (only an SKDM, a reaction, ...).
bool describe_content(const wabot::proto::Message& message, InboundMessage& out);

}  // namespace wabot::engine::messaging
