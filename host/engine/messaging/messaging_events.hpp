// SPDX-License-Identifier: GPL-3.0-or-later
// The events the messaging layer reports: an inbound message, an acknowledged send, a receipt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/engine/types/jid.hpp"
#include "host/engine/types/node.hpp"

namespace wabot::engine::messaging {

enum class MediaKind { unset = 0, image, video, audio, document, sticker };
const char* to_string(MediaKind kind);

// What is needed to download and verify an inbound media body later.
struct MediaDescriptor {
  MediaKind kind = MediaKind::unset;
  std::string mimetype;
  std::string url;
  std::string direct_path;
  Bytes media_key;
  Bytes file_sha256;
  Bytes file_enc_sha256;
  std::uint64_t file_length = 0;
  std::string file_name;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

struct InboundMessage {
  std::string id;
  Jid chat;            // the conversation: the peer (non-AD) for 1:1, the group, status@broadcast, ...
  Jid sender;          // the sending device as the stanza named it
  std::optional<Jid> sender_alt;  // the sender's other address (PN for a LID sender and back) when known
  std::string push_name;
  std::string text;    // conversation, extended text, or a media caption
  std::vector<std::string> mentions;
  std::string quoted_id;
  std::string quoted_participant;
  std::optional<MediaDescriptor> media;
  bool is_group = false;
  bool from_me = false;
  bool is_status = false;
  bool is_newsletter = false;
  bool is_protocol = false;  // a protocol message (history sync notification, key share, ...)
  std::int64_t timestamp_s = 0;
};

struct SentMessage {
  std::string id;
  Jid chat;
  std::int64_t server_timestamp_s = 0;
  std::size_t device_count = 0;  // device copies in the stanza
  std::size_t prekey_messages = 0;  // of them pkmsg
};

struct ReceiptEvent {
  std::vector<std::string> ids;
  Jid chat;
  std::optional<Jid> participant;
  std::string type;  // "" = delivered, read, played, retry, sender, ...
  std::int64_t timestamp_s = 0;
};

class MessagingListener {
 public:
  virtual ~MessagingListener() = default;
  virtual void on_message(const InboundMessage& /*message*/) {}
  virtual void on_send_acknowledged(const SentMessage& /*sent*/) {}
  virtual void on_receipt(const ReceiptEvent& /*receipt*/) {}
  // A message that could not be decrypted (after the nack/retry was sent).
  virtual void on_undecryptable(const std::string& /*id*/, const Jid& /*from*/, const std::string& /*why*/) {}
};

}  // namespace wabot::engine::messaging
