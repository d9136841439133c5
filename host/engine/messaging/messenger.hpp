// SPDX-License-Identifier: GPL-3.0-or-later
// Messenger: one agent's Signal messaging over a linked connection. Sends (usync devices, prekey
// bundles, per-device pkmsg/msg with our other devices' DeviceSentMessage copies, completion on the
// server ack) and receives (decrypt, unpad, unwrap, receipt or nack, retry receipts both ways,
// sender keys), reporting to a MessagingListener.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "host/engine/messaging/device_list.hpp"
#include "host/engine/messaging/group_info.hpp"
#include "host/engine/messaging/lid_map.hpp"
#include "host/engine/messaging/message_content.hpp"
#include "host/engine/messaging/messaging_events.hpp"
#include "host/engine/messaging/privacy_tokens.hpp"
#include "host/engine/messaging/stanza_channel.hpp"
#include "host/engine/signal/signal_protocol.hpp"
#include "host/engine/store/contact_store.hpp"
#include "host/engine/types/blocking_executor.hpp"

namespace wabot::engine::messaging {

// Who we are on the connection (from the linked credentials).
struct OwnIdentity {
  Jid device_jid;          // our PN AD-JID, e.g. 15551234567:7@s.whatsapp.net
  std::optional<Jid> lid;  // our LID AD-JID
  Bytes account;           // ADVSignedDeviceIdentity (sent as <device-identity> with pkmsgs)
  std::uint32_t registration_id = 0;
};

struct MessengerConfig {
  std::string agent_id;
  std::string push_name = "wabot";         // sent with presence available
  std::int64_t send_timeout_ms = 30'000;   // stanza out until the server ack
  std::int64_t iq_timeout_ms = 30'000;     // usync and prekey fetches
  std::int64_t device_cache_ttl_ms = 300'000;
  std::size_t recent_sends_kept = 256;     // answered from on retry receipts
  bool download_history_sync = true;       // fetch our phone's history-sync blobs (LID pairs, NCT salt)
  std::uint32_t max_retry_receipts = 5;    // per message id
  std::string tls_ca_file;                 // extra CA for media hosts (whatsapp.tls_ca_file); empty = system store
  std::uint64_t max_media_bytes = 64ull << 20;  // downloads over this are refused
  // Where media encryption and HTTPS transfers run (never the connection's loop thread).
  // Null = the process-wide media executor (4 threads, shared by every agent).
  std::shared_ptr<BlockingExecutor> media_executor;
};

// The process-wide media executor (created on first use, joined at exit).
std::shared_ptr<BlockingExecutor> default_media_executor();

struct OutgoingMedia {
  MediaKind kind = MediaKind::unset;  // image, video, audio, document, sticker
  Bytes data;                         // the plaintext file
  std::string mimetype;
  std::string file_name;  // documents
  std::string caption;    // image, video, document
};

struct OutgoingText {
  Jid to;  // a user (PN or LID, non-AD) or a group (…@g.us)
  std::string text;
  std::vector<std::string> mentions;  // JIDs; put "@<user>" into the text yourself
  std::optional<QuotedMessage> quoted;
};

class Messenger : public std::enable_shared_from_this<Messenger> {
 public:
  using SendCallback = std::function<void(Result<SentMessage>)>;
  using MediaCallback = std::function<void(Result<Bytes>)>;

  // contacts persists LID mappings and privacy tokens (the agent's ContactStore); without one they are
  // kept in memory only and lost on restart.
  static std::shared_ptr<Messenger> create(MessengerConfig config, OwnIdentity own, std::shared_ptr<StanzaChannel> channel,
                                           std::unique_ptr<signal::SignalProtocol> signal,
                                           std::shared_ptr<MessagingListener> listener,
                                           std::shared_ptr<store::ContactStore> contacts = nullptr);
  Messenger(const Messenger&) = delete;
  Messenger& operator=(const Messenger&) = delete;

  // Returns at once; the callback runs once (on the channel's thread) with the acked send or an error.
  void send_text(OutgoingText message, SendCallback callback);
  // Any Message to a user; id empty = generate one.
  void send_message(const Jid& to, wabot::proto::Message message, std::string id, SendCallback callback);

  // A group's metadata, from the cache or a w:g2 query (cached until a w:gp2 notification).
  void group_info(const Jid& group, std::function<void(Result<GroupInfo>)> callback);

  // Uploads (media_conn cached for its TTL, HTTPS with auth) and sends an image/video/audio/document/
  // sticker message with every field filled (a JPEG thumbnail for images). Returns at once (safe in a
  // listener callback): encryption and upload run on the media executor. The callback runs once, on
  // a media worker or the connection's thread (at once on the caller's for invalid input).
  void send_media(const Jid& to, OutgoingMedia media, SendCallback callback);
  // Downloads an inbound media body and verifies it (fileEncSha256, MAC, fileSha256) on the media
  // executor; the callback gets the plaintext or an error, once. Returns at once.
  void download_media(MediaDescriptor media, MediaCallback callback);

  // Every stanza the connection did not consume (message, receipt, notification, ...).
  void handle_node(const Node& node);

  // <presence type="available" name=push_name/>; receipts stop being "inactive" afterwards.
  void send_presence_available();
  // <chatstate to><composing/>|<paused/></chatstate>
  void send_chatstate(const Jid& to, bool composing);

  // The LID user a PN user maps to, when known (learned from usync, stanza attributes, our phone's
  // LID migration sync; from the ContactStore after a restart).
  std::optional<Jid> lid_for(const Jid& pn_user) const;
  const OwnIdentity& own() const { return own_; }

 private:
  struct SendJob;
  struct SentRecord {
    std::string id;
    Jid chat;
    wabot::proto::Message message;
  };

  Messenger(MessengerConfig config, OwnIdentity own, std::shared_ptr<StanzaChannel> channel,
            std::unique_ptr<signal::SignalProtocol> signal, std::shared_ptr<MessagingListener> listener,
            std::shared_ptr<store::ContactStore> contacts);

  void resolve_devices(std::shared_ptr<SendJob> job);
  void resolve_group(std::shared_ptr<SendJob> job);
  // Queries (one usync) the device lists of the users not in the cache.
  void fetch_device_lists(std::vector<Jid> users, std::function<void(Status)> done);
  void ensure_sessions(std::shared_ptr<SendJob> job);
  void encrypt_and_send(std::shared_ptr<SendJob> job);
  void fail(const std::shared_ptr<SendJob>& job, const Error& error);
  struct MediaConn {
    std::string auth;  // secret: never logged
    std::vector<std::string> hosts;
    std::chrono::steady_clock::time_point expires;
  };
  // The cached media_conn, or a w:m query; the callback runs on the caller's or the connection's thread.
  void media_conn(std::function<void(Result<MediaConn>)> callback);

  void handle_message(const Node& node);
  void handle_receipt(const Node& node);
  void handle_retry_receipt(const Node& node);
  // Puts our sender key's distribution message for `group` into `message` (a group retry).
  std::optional<Error> attach_sender_key_locked(wabot::proto::Message& message, const Jid& group);
  void handle_notification(const Node& node);
  void store_privacy_tokens_locked(const Jid& from, const Node& node);
  void send_retry_receipt(const Node& message, const std::string& why);
  void ack(const Node& node, const std::string& cls, const std::string& error = {});

  // Address for Signal: the LID device when the JID is PN and a mapping is known (locked).
  Jid signal_jid_locked(const Jid& device) const;
  void learn_mapping_locked(const Jid& pn, const Jid& lid);
  void learn_mappings_locked(const std::vector<store::LidMapping>& pairs, const char* source);
  // The other side of a user from lid_map_ (store errors are logged and read as "unknown").
  std::optional<std::string> lid_of_pn_locked(const std::string& pn_user) const;
  std::optional<std::string> pn_of_lid_locked(const std::string& lid_user) const;
  // The <tctoken> to attach for a 1:1 chat (its LID, then its PN), when one is held and fresh.
  std::optional<Bytes> privacy_token_for_locked(const Jid& chat);
  // Otherwise the <cstoken> (HMAC of the chat's LID under our NCT salt), when both are known.
  std::optional<Bytes> cs_token_for_locked(const Jid& chat);
  // History sync (messenger_history_sync.cpp): the media_conn first (asynchronous), then the blocking
  // download on the shared media executor, at most kMaxHistorySyncJobs of this agent at once.
  void queue_history_sync(const wabot::proto::HistorySyncNotification& notification, const std::string& message_id);
  Status process_history_sync(const wabot::proto::HistorySyncNotification& notification, const MediaConn& conn);
  bool is_own_user(const Jid& jid) const;
  std::string next_sid();

  MessengerConfig config_;
  OwnIdentity own_;
  std::shared_ptr<StanzaChannel> channel_;
  std::shared_ptr<MessagingListener> listener_;
  std::shared_ptr<BlockingExecutor> media_executor_;

  mutable std::mutex mu_;  // guards everything below (the Signal store included)
  std::unique_ptr<signal::SignalProtocol> signal_;
  DeviceListCache devices_;
  std::map<std::string, GroupInfo> groups_;  // by group JID
  mutable LidMap lid_map_;  // PN <-> LID users; a cache in front of the ContactStore
  std::deque<SentRecord> recent_sends_;
  std::map<std::string, std::uint32_t> retry_counts_;  // message id -> retry receipts sent
  std::map<std::string, std::uint32_t> retries_answered_;
  bool presence_sent_ = false;
  std::optional<MediaConn> media_conn_;
  // Per group, the devices that acknowledged-received our current sender key, so a group send shares it
  // only with the others (as the references' sender-key memory does). In memory: after a restart the
  // key is shared once more with everyone. A retry or an identity change makes us share it again.
  std::map<std::string, std::set<std::string>> sender_key_holders_;
  PrivacyTokens privacy_tokens_;  // by the contact's LID user JID (PN when unmapped); cache in front of the ContactStore
  std::shared_ptr<store::ContactStore> contacts_;  // may be null: nothing persisted
  std::optional<Bytes> nct_salt_;  // cached from contacts_ (secret)
  bool nct_salt_loaded_ = false;
  std::uint64_t sid_counter_ = 0;
  static constexpr int kMaxHistorySyncJobs = 4;
  std::atomic<int> history_sync_jobs_{0};  // queued or running on media_executor_
};

}  // namespace wabot::engine::messaging
