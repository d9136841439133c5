// SPDX-License-Identifier: GPL-3.0-or-later
// Messenger: sending and receiving Signal-encrypted messages (docs/protocol/messaging.md §2-§6).
#include "host/engine/messaging/messenger.hpp"

#include <charconv>

#include "host/common/log.hpp"
#include "host/engine/messaging/lid_migration.hpp"
#include "host/engine/messaging/message_id.hpp"
#include "host/engine/messaging/send_job.hpp"
#include "host/engine/messaging/prekey_bundle.hpp"
#include "host/engine/signal/message_padding.hpp"
#include "host/engine/signal/signal_address.hpp"

namespace wabot::engine::messaging {

namespace log = wabot::log;

namespace {

std::int64_t to_int(const std::string& s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

Bytes big_endian4(std::uint32_t v) {
  return Bytes{static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
               static_cast<std::uint8_t>(v)};
}

Bytes serialize(const google::protobuf::MessageLite& m) {
  std::string s = m.SerializeAsString();
  return Bytes(s.begin(), s.end());
}

std::string signal_error_text(const signal::SignalError& e) { return std::string(signal::to_string(e.code)) + ": " + e.message; }

// Server error codes on message acks, with what they mean (docs/protocol/messaging.md §4).
std::string describe_ack_error(const std::string& code) {
  if (code == "463") return "463 (no privacy token / account restricted)";
  if (code == "479") return "479 (smax-invalid: bad stanza or stale addressing)";
  if (code == "421") return "421 (too many requests)";
  if (code == "403") return "403 (forbidden)";
  if (code == "404") return "404 (recipient not found)";
  return code;
}

}  // namespace

std::shared_ptr<Messenger> Messenger::create(MessengerConfig config, OwnIdentity own, std::shared_ptr<StanzaChannel> channel,
                                             std::unique_ptr<signal::SignalProtocol> signal,
                                             std::shared_ptr<MessagingListener> listener,
                                             std::shared_ptr<store::ContactStore> contacts) {
  return std::shared_ptr<Messenger>(new Messenger(std::move(config), std::move(own), std::move(channel), std::move(signal),
                                                  std::move(listener), std::move(contacts)));
}

Messenger::Messenger(MessengerConfig config, OwnIdentity own, std::shared_ptr<StanzaChannel> channel,
                     std::unique_ptr<signal::SignalProtocol> signal, std::shared_ptr<MessagingListener> listener,
                     std::shared_ptr<store::ContactStore> contacts)
    : config_(std::move(config)),
      own_(std::move(own)),
      channel_(std::move(channel)),
      listener_(listener ? std::move(listener) : std::make_shared<MessagingListener>()),
      media_executor_(config_.media_executor ? config_.media_executor : default_media_executor()),
      signal_(std::move(signal)),
      devices_(std::chrono::milliseconds(config_.device_cache_ttl_ms)),
      lid_map_(contacts),
      privacy_tokens_(contacts),
      contacts_(std::move(contacts)) {
  if (own_.lid) learn_mapping_locked(own_.device_jid, *own_.lid);
}

std::string Messenger::next_sid() {
  std::lock_guard lock(mu_);
  return "wabot-" + std::to_string(++sid_counter_) + "-" + std::to_string(reinterpret_cast<std::uintptr_t>(this) & 0xFFFF);
}

bool Messenger::is_own_user(const Jid& jid) const {
  if (jid.server == own_.device_jid.server && jid.user == own_.device_jid.user) return true;
  return own_.lid && jid.server == own_.lid->server && jid.user == own_.lid->user;
}

void Messenger::learn_mapping_locked(const Jid& pn, const Jid& lid) {
  if (!pn.is_pn() || !lid.is_lid() || pn.user.empty() || lid.user.empty()) return;
  learn_mappings_locked({store::LidMapping{pn.user, lid.user}}, "stanza");
}

void Messenger::learn_mappings_locked(const std::vector<store::LidMapping>& pairs, const char* source) {
  // A store failure keeps the pairs in the cache (this run still uses them); they are written again
  // the next time they are learned.
  if (auto st = lid_map_.learn(pairs); !st)
    log::warn("engine: LID mappings not persisted", {{"agent", config_.agent_id}, {"source", source}, {"error", st.error().message}});
}

std::optional<std::string> Messenger::lid_of_pn_locked(const std::string& pn_user) const {
  auto found = lid_map_.lid_for_pn(pn_user);
  if (!found) {
    log::warn("engine: LID lookup failed", {{"agent", config_.agent_id}, {"error", found.error().message}});
    return std::nullopt;
  }
  return *found;
}

std::optional<std::string> Messenger::pn_of_lid_locked(const std::string& lid_user) const {
  auto found = lid_map_.pn_for_lid(lid_user);
  if (!found) {
    log::warn("engine: phone number lookup failed", {{"agent", config_.agent_id}, {"error", found.error().message}});
    return std::nullopt;
  }
  return *found;
}

std::optional<Jid> Messenger::lid_for(const Jid& pn_user) const {
  if (!pn_user.is_pn()) return std::nullopt;
  std::lock_guard lock(mu_);
  auto lid = lid_of_pn_locked(pn_user.user);
  if (!lid) return std::nullopt;
  return Jid(*lid, server::lid);
}

Jid Messenger::signal_jid_locked(const Jid& device) const {
  if (device.is_pn()) {
    if (auto lid = lid_of_pn_locked(device.user)) return Jid(*lid, server::lid, device.device);
  }
  return Jid(device.user, device.server, device.device);
}

// ---------------------------------------------------------------- sending

void Messenger::send_text(OutgoingText message, SendCallback callback) {
  auto m = make_text_message(message.text, message.mentions, message.quoted ? &*message.quoted : nullptr);
  send_message(message.to, std::move(m), {}, std::move(callback));
}

void Messenger::send_message(const Jid& to, wabot::proto::Message message, std::string id, SendCallback callback) {
  auto job = std::make_shared<SendJob>();
  job->id = id.empty() ? generate_message_id(own_.device_jid.user) : std::move(id);
  job->to = to.to_non_ad();
  job->message = std::move(message);
  job->callback = std::move(callback);
  if (to.is_group()) {
    job->group = true;
    return resolve_group(job);
  }
  if (!to.is_pn() && !to.is_lid()) {
    return fail(job, Error(ErrorCode::state, "cannot send to " + to.to_string() + ": only users and groups are supported"));
  }
  resolve_devices(job);
}

void Messenger::fail(const std::shared_ptr<SendJob>& job, const Error& error) {
  if (job->done) return;
  job->done = true;
  log::warn("engine: send failed", {{"agent", config_.agent_id}, {"id", job->id}, {"error", error.message}});
  if (job->callback) job->callback(error);
}

void Messenger::resolve_devices(std::shared_ptr<SendJob> job) {
  const Jid own_pn = own_.device_jid.to_non_ad();
  std::vector<Jid> missing;
  {
    std::lock_guard lock(mu_);
    auto now = std::chrono::steady_clock::now();
    if (!devices_.get(job->to, now)) missing.push_back(job->to);
    if (!devices_.get(own_pn, now)) missing.push_back(own_pn);
  }
  auto self = shared_from_this();
  auto after = [self, job]() {
    const Jid own_pn = self->own_.device_jid.to_non_ad();
    std::lock_guard lock(self->mu_);
    auto now = std::chrono::steady_clock::now();
    auto peer = self->devices_.get(job->to, now);
    auto mine = self->devices_.get(own_pn, now);
    if (!peer) return false;
    // Address the peer by LID when we know it (LID is primary for DMs).
    Jid user = job->to;
    if (user.is_pn()) {
      if (auto lid = self->lid_of_pn_locked(user.user)) user = Jid(*lid, server::lid);
    }
    job->chat = user;
    job->peer_devices.clear();
    for (auto d : peer->devices) job->peer_devices.emplace_back(user.user, user.server, d);
    job->own_devices.clear();
    if (mine) {
      const Jid own_user = self->own_.lid ? self->own_.lid->to_non_ad() : own_pn;
      for (auto d : mine->devices)
        if (d != self->own_.device_jid.device) job->own_devices.emplace_back(own_user.user, own_user.server, d);
    }
    return true;
  };
  if (missing.empty()) {
    if (!after()) return fail(job, Error(ErrorCode::protocol, "no device list for " + job->to.to_string()));
    return ensure_sessions(job);
  }
  Node query = make_device_query(missing, next_sid());
  channel_->send_request(std::move(query), [self, job, missing, after](Result<Node> reply) {
    if (!reply) return self->fail(job, reply.error().with_context("device list query for " + job->to.to_string() + " failed"));
    auto parsed = parse_device_reply(*reply);
    if (!parsed) return self->fail(job, parsed.error().with_context("device list of " + job->to.to_string()));
    {
      std::lock_guard lock(self->mu_);
      auto now = std::chrono::steady_clock::now();
      for (auto& ud : *parsed) {
        if (ud.lid) self->learn_mapping_locked(ud.user, *ud.lid);
        self->devices_.put(ud, now);
        // Also under the name we asked for, when the server answered in the other addressing.
        for (const auto& m : missing)
          if (!(m == ud.user) && ud.lid && m == *ud.lid) {
            UserDevices copy = ud;
            copy.user = m;
            self->devices_.put(copy, now);
          }
      }
    }
    if (!after()) return self->fail(job, Error(ErrorCode::protocol, "the server returned no device list for " + job->to.to_string()));
    if (job->peer_devices.empty()) return self->fail(job, Error(ErrorCode::protocol, job->to.to_string() + " has no devices"));
    self->ensure_sessions(job);
  }, config_.iq_timeout_ms);
}

void Messenger::group_info(const Jid& group, std::function<void(Result<GroupInfo>)> callback) {
  std::optional<GroupInfo> cached;
  {
    std::lock_guard lock(mu_);
    if (auto it = groups_.find(group.to_string()); it != groups_.end()) cached = it->second;
  }
  if (cached) return callback(std::move(*cached));  // outside the lock: the callback sends
  auto self = shared_from_this();
  channel_->send_request(make_group_info_query(group), [self, group, callback](Result<Node> reply) {
    if (!reply) return callback(reply.error().with_context("metadata query for " + group.to_string() + " failed"));
    auto info = parse_group_info(*reply);
    if (!info) return callback(info.error().with_context(group.to_string()));
    {
      std::lock_guard lock(self->mu_);
      for (const auto& p : info->participants)
        if (p.pn && p.lid) self->learn_mapping_locked(*p.pn, *p.lid);
      if (self->groups_.size() > 10'000) self->groups_.clear();
      self->groups_[group.to_string()] = *info;
    }
    callback(std::move(info));
  }, config_.iq_timeout_ms);
}

void Messenger::fetch_device_lists(std::vector<Jid> users, std::function<void(Status)> done) {
  std::vector<Jid> missing;
  {
    std::lock_guard lock(mu_);
    auto now = std::chrono::steady_clock::now();
    for (const auto& u : users)
      if (!devices_.get(u, now)) missing.push_back(u);
  }
  if (missing.empty()) return done(Ok{});
  auto self = shared_from_this();
  channel_->send_request(make_device_query(missing, next_sid()), [self, missing, done](Result<Node> reply) {
    if (!reply) return done(reply.error().with_context("device list query failed"));
    auto parsed = parse_device_reply(*reply);
    if (!parsed) return done(parsed.error());
    {
      std::lock_guard lock(self->mu_);
      auto now = std::chrono::steady_clock::now();
      for (auto& ud : *parsed) {
        if (ud.lid && ud.user.is_pn()) self->learn_mapping_locked(ud.user, *ud.lid);
        self->devices_.put(ud, now);
      }
    }
    done(Ok{});
  }, config_.iq_timeout_ms);
}

void Messenger::resolve_group(std::shared_ptr<SendJob> job) {
  auto self = shared_from_this();
  group_info(job->to, [self, job](Result<GroupInfo> info) {
    if (!info) return self->fail(job, info.error());
    job->chat = info->jid;
    job->mode = info->addressing_mode;
    std::vector<Jid> users;
    for (const auto& p : info->participants) users.push_back(p.lid ? *p.lid : p.jid);
    self->fetch_device_lists(users, [self, job, users](Status st) {
      if (!st) return self->fail(job, st.error().with_context("devices of the members of " + job->chat.to_string()));
      {
        std::lock_guard lock(self->mu_);
        auto now = std::chrono::steady_clock::now();
        for (const auto& u : users) {
          auto list = self->devices_.get(u, now);
          if (!list) continue;
          const bool own = self->is_own_user(u);
          for (auto d : list->devices) {
            if (own && d == self->own_.device_jid.device) continue;
            (own ? job->own_devices : job->peer_devices).emplace_back(u.user, u.server, d);
          }
        }
      }
      self->ensure_sessions(job);
    });
  });
}

void Messenger::ensure_sessions(std::shared_ptr<SendJob> job) {
  std::vector<Jid> need;
  {
    std::lock_guard lock(mu_);
    auto all = job->peer_devices;
    all.insert(all.end(), job->own_devices.begin(), job->own_devices.end());
    for (const auto& d : all) {
      auto addr = signal::signal_address_for(d.user, d.server, d.device);
      if (!addr) continue;
      auto has = signal_->has_session(addr.value());
      if (!has) return fail(job, Error(ErrorCode::store, "session lookup for " + d.to_string() + " failed: " + signal_error_text(has.error())));
      if (!has.value()) need.push_back(d);
    }
  }
  if (need.empty()) return encrypt_and_send(job);
  auto self = shared_from_this();
  channel_->send_request(make_bundle_query(need), [self, job](Result<Node> reply) {
    if (!reply) return self->fail(job, reply.error().with_context("prekey fetch for " + job->to.to_string() + " failed"));
    auto bundles = parse_bundle_reply(*reply);
    if (!bundles) return self->fail(job, bundles.error().with_context("prekeys of " + job->to.to_string()));
    {
      std::lock_guard lock(self->mu_);
      for (const auto& f : *bundles) {
        if (!f.bundle) {
          log::warn("engine: no prekey bundle for a device", {{"agent", self->config_.agent_id}, {"device", f.device.to_string()}, {"error", f.error}});
          continue;
        }
        auto addr = signal::signal_address_for(f.device.user, f.device.server, f.device.device);
        if (!addr) continue;
        auto r = self->signal_->process_prekey_bundle(addr.value(), *f.bundle);
        if (!r) log::warn("engine: prekey bundle refused", {{"agent", self->config_.agent_id}, {"device", f.device.to_string()}, {"error", signal_error_text(r.error())}});
      }
    }
    self->encrypt_and_send(job);
  }, config_.iq_timeout_ms);
}

void Messenger::encrypt_and_send(std::shared_ptr<SendJob> job) {
  NodeList participants;
  std::size_t pkmsgs = 0;
  Node direct_enc;
  {
    std::lock_guard lock(mu_);
    const Bytes plain = serialize(job->message);
    const auto& mm = job->message;
    const std::string mediatype = mm.has_image_message() ? "image" : mm.has_video_message() ? "video"
                                  : mm.has_audio_message() ? (mm.audio_message().ptt() ? "ptt" : "audio")
                                  : mm.has_document_message() ? "document" : mm.has_sticker_message() ? "sticker" : "";
    wabot::proto::Message dsm;
    auto* sent = dsm.mutable_device_sent_message();
    sent->set_destination_jid(job->chat.to_string());
    *sent->mutable_message() = job->message;
    if (job->message.has_message_context_info()) *dsm.mutable_message_context_info() = job->message.message_context_info();
    const Bytes dsm_plain = serialize(dsm);

    auto encrypt_for = [&](const Jid& device, const Bytes& plaintext) -> std::optional<Node> {
      auto addr = signal::signal_address_for(device.user, device.server, device.device);
      if (!addr) return std::nullopt;
      auto padded = signal::pad_message(plaintext);
      auto ct = signal_->encrypt(addr.value(), padded);
      if (!ct) {
        // No session (the bundle fetch failed for it): skip this device rather than fail the send.
        log::warn("engine: cannot encrypt for a device", {{"agent", config_.agent_id}, {"device", device.to_string()}, {"error", signal_error_text(ct.error())}});
        return std::nullopt;
      }
      if (ct->type == signal::CiphertextType::pkmsg) ++pkmsgs;
      std::vector<Attribute> attrs{{"v", "2"}, {"type", signal::to_string(ct->type)}};
      if (!mediatype.empty()) attrs.push_back({"mediatype", mediatype});
      if (job->retry_count > 0) attrs.push_back({"count", std::to_string(job->retry_count)});
      return Node("enc", std::move(attrs), std::move(ct->data));
    };
    if (job->group && !job->retry_device) {
      // Our sender key, named by our LID address (as whatsmeow does); its distribution message goes
      // in a pkmsg/msg to each member device that does not hold it yet, the content once as skmsg.
      const Jid me = own_.lid ? *own_.lid : own_.device_jid;
      auto own_addr = signal::signal_address_for(me.user, me.server, own_.device_jid.device);
      if (!own_addr) return fail(job, Error(ErrorCode::state, "no Signal address for our own device"));
      signal::SenderKeyName name{job->chat.to_string(), own_addr.value()};
      auto skdm = signal_->create_sender_key_distribution(name);
      if (!skdm) return fail(job, Error(ErrorCode::crypto, "sender key for " + job->chat.to_string() + ": " + signal_error_text(skdm.error())));
      wabot::proto::Message dist;
      dist.mutable_sender_key_distribution_message()->set_group_id(job->chat.to_string());
      dist.mutable_sender_key_distribution_message()->set_axolotl_sender_key_distribution_message(
          std::string(skdm->begin(), skdm->end()));
      const Bytes dist_plain = serialize(dist);
      const auto holders = sender_key_holders_.find(job->chat.to_string());
      auto share_with = [&](const Jid& d) {
        const std::string key = d.to_string();
        if (holders != sender_key_holders_.end() && holders->second.count(key)) return;
        if (auto enc = encrypt_for(d, dist_plain)) {
          participants.push_back(Node("to", {{"jid", d}}, NodeList{std::move(*enc)}));
          job->key_shared_to.push_back(key);
        }
      };
      for (const auto& d : job->peer_devices) share_with(d);
      for (const auto& d : job->own_devices) share_with(d);
      auto sk = signal_->group_encrypt(name, signal::pad_message(plain));
      if (!sk) return fail(job, Error(ErrorCode::crypto, "group encrypt for " + job->chat.to_string() + ": " + signal_error_text(sk.error())));
      std::vector<Attribute> sk_attrs{{"v", "2"}, {"type", "skmsg"}};
      if (!mediatype.empty()) sk_attrs.push_back({"mediatype", mediatype});
      direct_enc = Node("enc", std::move(sk_attrs), std::move(sk.value()));
    } else if (job->retry_device) {
      // A group retry carries our sender key (retry_handler.cpp); a 1:1 retry to our own device the DSM.
      Bytes body = is_own_user(*job->retry_device) ? dsm_plain : plain;
      if (job->group) {
        wabot::proto::Message with_key = job->message;
        if (auto err = attach_sender_key_locked(with_key, job->chat)) return fail(job, *err);
        body = serialize(with_key);
      }
      auto enc = encrypt_for(*job->retry_device, body);
      if (!enc) return fail(job, Error(ErrorCode::crypto, "cannot encrypt the retry for " + job->retry_device->to_string()));
      direct_enc = std::move(*enc);
    } else {
      for (const auto& d : job->peer_devices)
        if (auto enc = encrypt_for(d, plain)) participants.push_back(Node("to", {{"jid", d}}, NodeList{std::move(*enc)}));
      for (const auto& d : job->own_devices)
        if (auto enc = encrypt_for(d, dsm_plain)) participants.push_back(Node("to", {{"jid", d}}, NodeList{std::move(*enc)}));
      if (participants.empty()) return fail(job, Error(ErrorCode::crypto, "no device of " + job->to.to_string() + " could be encrypted for"));
    }
  }
  const bool media = job->message.has_image_message() || job->message.has_video_message() || job->message.has_audio_message() ||
                     job->message.has_document_message() || job->message.has_sticker_message();
  // A retry resend goes to the one device that asked, with its <enc> as a direct child.
  std::vector<Attribute> attrs{{"id", job->id}, {"to", job->retry_device && !job->group ? *job->retry_device : job->chat},
                               {"type", media ? "media" : "text"}};
  NodeList children;
  std::size_t copies = participants.size();
  if (job->group && !job->retry_device) {
    if (job->mode == AddressingMode::lid) attrs.push_back({"addressing_mode", "lid"});
    copies = participants.size();
    if (!participants.empty()) children.push_back(Node("participants", {}, std::move(participants)));
  } else if (job->retry_device) {
    attrs.push_back({"t", job->retry_t});
    // A group retry names the group as `to` and the device as participant; a 1:1 one is not fanned out.
    if (job->group) attrs.push_back({"participant", job->retry_participant ? *job->retry_participant : *job->retry_device});
    else attrs.push_back({"device_fanout", "false"});
    children.push_back(std::move(direct_enc));
    copies = 1;
  } else {
    children.push_back(Node("participants", {}, std::move(participants)));
  }
  if (pkmsgs > 0 && !own_.account.empty()) children.push_back(Node("device-identity", {}, own_.account));
  if (!job->group && !job->retry_device) {
    // The contact's trusted-contact token (valid 4 x 7-day buckets) lets the server accept the message.
    std::lock_guard lock(mu_);
    if (auto token = privacy_token_for_locked(job->chat)) children.push_back(Node("tctoken", {}, std::move(*token)));
    else if (auto cs = cs_token_for_locked(job->chat)) children.push_back(Node("cstoken", {}, std::move(*cs)));
  }
  if (job->group && !job->retry_device) children.push_back(std::move(direct_enc));
  Node stanza("message", std::move(attrs), std::move(children));

  auto self = shared_from_this();
  channel_->send_request(std::move(stanza), [self, job, copies, pkmsgs](Result<Node> reply) {
    if (!reply) return self->fail(job, reply.error().with_context("message " + job->id + " to " + job->chat.to_string() + " was not acknowledged"));
    if (auto err = reply->attr("error")) {
      return self->fail(job, Error(ErrorCode::protocol, "the server refused message " + job->id + " to " + job->chat.to_string() +
                                                            ": error " + describe_ack_error(*err)));
    }
    if (job->done) return;
    job->done = true;
    if (auto phash = reply->attr("phash"); phash && !job->group && !job->retry_device) {
      // The server saw other devices than we encrypted for: refetch both device lists next time.
      std::vector<Jid> all = job->peer_devices;
      all.insert(all.end(), job->own_devices.begin(), job->own_devices.end());
      if (self->own_.lid) all.emplace_back(self->own_.lid->user, self->own_.lid->server, self->own_.device_jid.device);
      if (*phash != participant_list_hash(all)) {
        std::lock_guard lock(self->mu_);
        self->devices_.invalidate(job->to);
        self->devices_.invalidate(job->chat);
        self->devices_.invalidate(self->own_.device_jid.to_non_ad());
      }
    }
    SentMessage sent;
    sent.id = job->id;
    sent.chat = job->chat;
    sent.server_timestamp_s = to_int(reply->attr_or("t"));
    sent.device_count = copies;
    sent.prekey_messages = pkmsgs;
    if (!job->retry_device) {
      std::lock_guard lock(self->mu_);
      self->recent_sends_.push_back(SentRecord{job->id, job->chat, job->message});
      while (self->recent_sends_.size() > self->config_.recent_sends_kept) self->recent_sends_.pop_front();
    }
    if (job->group) {
      // The server accepted the key shares: those devices hold our sender key now (a group retry
      // answer carries it too).
      std::lock_guard lock(self->mu_);
      if (self->sender_key_holders_.size() > 10'000) self->sender_key_holders_.clear();  // bound; re-shared on demand
      auto& holders = self->sender_key_holders_[job->chat.to_string()];
      holders.insert(job->key_shared_to.begin(), job->key_shared_to.end());
      if (job->retry_device) holders.insert(job->retry_device->to_string());
      if (job->retry_participant) holders.insert(job->retry_participant->to_string());
    }
    if (job->callback) job->callback(sent);
    if (!job->retry_device) self->listener_->on_send_acknowledged(sent);
  }, config_.send_timeout_ms);
}

// ---------------------------------------------------------------- receiving

void Messenger::handle_node(const Node& node) {
  if (node.tag == "message") return handle_message(node);
  if (node.tag == "receipt") return handle_receipt(node);
  if (node.tag == "notification") return handle_notification(node);
}

void Messenger::ack(const Node& node, const std::string& cls, const std::string& error) {
  std::vector<Attribute> attrs{{"id", node.attr_or("id")}, {"class", cls}};
  for (const auto& a : node.attrs)
    if (a.key == "from") attrs.push_back({"to", a.value});
  for (const auto& a : node.attrs)
    if (a.key == "participant" || a.key == "recipient" || (a.key == "type" && cls != "message")) attrs.push_back(a);
  if (!error.empty()) attrs.push_back({"error", error});
  channel_->send_node(Node("ack", std::move(attrs)));
}

void Messenger::handle_message(const Node& node) {
  const std::string id = node.attr_or("id");
  auto from = node.attr_jid("from");
  if (id.empty() || !from) {
    log::warn("engine: message without id or from", {{"agent", config_.agent_id}});
    return;
  }
  InboundMessage msg;
  msg.id = id;
  msg.push_name = node.attr_or("notify");
  msg.timestamp_s = to_int(node.attr_or("t"));

  if (from->server == server::newsletter) {
    // Newsletters arrive in plaintext; report and ack, never receipt.
    msg.is_newsletter = true;
    msg.chat = *from;
    msg.sender = *from;
    if (const Node* pt = node.child("plaintext")) {
      auto bytes = pt->content_bytes();
      wabot::proto::Message m;
      if (bytes && m.ParseFromArray(bytes->data(), static_cast<int>(bytes->size()))) describe_content(unwrap_message(m), msg);
    }
    ack(node, "message");
    listener_->on_message(msg);
    return;
  }

  if (from->is_group() || from->is_broadcast()) {
    auto participant = node.attr_jid("participant");
    if (!participant) {
      ack(node, "message", "487");
      return;
    }
    msg.chat = *from;
    msg.sender = *participant;
    msg.is_group = from->is_group();
    msg.is_status = from->is_broadcast() && from->user == "status";
  } else {
    msg.sender = *from;
    if (is_own_user(*from)) {
      msg.from_me = true;
      auto recipient = node.attr_jid("recipient");
      msg.chat = recipient ? recipient->to_non_ad() : from->to_non_ad();
    } else {
      msg.chat = from->to_non_ad();
    }
  }
  msg.from_me = msg.from_me || is_own_user(msg.sender);

  std::optional<wabot::proto::HistorySyncNotification> history;  // from our phone: download after the receipt
  struct Outcome {
    bool failed = false;
    bool duplicate = false;
    bool has_content = false;
    bool history_sync = false;
    bool identity_changed = false;
    std::string why;
  } outcome;
  {
    std::lock_guard lock(mu_);
    // Learn PN<->LID mappings from the stanza's alternate-address attributes.
    for (const char* k : {"sender_lid", "participant_lid", "peer_recipient_lid"})
      if (auto lid = node.attr_jid(k)) {
        Jid pn = std::string(k) == "sender_lid" ? *from : (std::string(k) == "participant_lid" ? msg.sender : Jid());
        if (std::string(k) == "peer_recipient_lid") {
          if (auto r = node.attr_jid("recipient")) pn = *r;
        }
        learn_mapping_locked(pn.to_non_ad(), lid->to_non_ad());
        if (pn.to_non_ad() == msg.sender.to_non_ad()) msg.sender_alt = Jid(lid->user, server::lid, msg.sender.device);
      }
    for (const char* k : {"sender_pn", "participant_pn"})
      if (auto pn = node.attr_jid(k)) {
        learn_mapping_locked(pn->to_non_ad(), msg.sender.to_non_ad());
        msg.sender_alt = Jid(pn->user, server::user, msg.sender.device);
      }

    const Jid sender_signal = signal_jid_locked(msg.sender);
    auto address = signal::signal_address_for(sender_signal.user, sender_signal.server, sender_signal.device);
    const NodeList* children = node.children();
    bool any_enc = false;
    for (const Node& enc : children ? *children : NodeList{}) {
      if (enc.tag != "enc") continue;
      any_enc = true;
      const std::string type = enc.attr_or("type");
      auto ct = enc.content_bytes();
      if (!ct || !address) {
        outcome.failed = true;
        outcome.why = !ct ? "empty enc" : "no Signal address for " + sender_signal.to_string();
        break;
      }
      Result<signal::Decrypted, signal::SignalError> dec = signal::SignalError{signal::SignalErrorCode::invalid_input, "unknown enc type " + type};
      if (type == "pkmsg") {
        dec = signal_->decrypt_pkmsg(address.value(), *ct);
      } else if (type == "msg") {
        dec = signal_->decrypt_msg(address.value(), *ct);
      } else if (type == "skmsg") {
        auto pt = signal_->group_decrypt(signal::SenderKeyName{msg.chat.to_string(), address.value()}, *ct);
        if (pt) dec = signal::Decrypted{std::move(pt.value()), false};
        else dec = pt.error();
      }
      if (!dec) {
        if (dec.error().code == signal::SignalErrorCode::duplicate_message) {
          outcome.duplicate = true;
          continue;
        }
        outcome.failed = true;
        outcome.why = type + " from " + sender_signal.to_string() + ": " + signal_error_text(dec.error());
        break;
      }
      if (dec->identity_changed) outcome.identity_changed = true;
      Bytes plaintext = std::move(dec->plaintext);
      if (enc.attr_or("v", "2") != "3") {
        auto unpadded = signal::unpad_message(plaintext);
        if (!unpadded) {
          outcome.failed = true;
          outcome.why = "bad padding: " + signal_error_text(unpadded.error());
          break;
        }
        plaintext = std::move(unpadded.value());
      }
      wabot::proto::Message m;
      if (!m.ParseFromArray(plaintext.data(), static_cast<int>(plaintext.size()))) {
        outcome.failed = true;
        outcome.why = "the decrypted Message does not parse";
        break;
      }
      const wabot::proto::Message* inner = &m;
      if (m.has_device_sent_message()) {
        if (msg.from_me && m.device_sent_message().has_destination_jid()) {
          if (auto dest = Jid::parse(m.device_sent_message().destination_jid())) msg.chat = dest.value();
        }
        inner = &m.device_sent_message().message();
      }
      if (inner->has_sender_key_distribution_message()) {
        const auto& skdm = inner->sender_key_distribution_message();
        const auto& raw = skdm.axolotl_sender_key_distribution_message();
        std::string group = skdm.group_id().empty() ? msg.chat.to_string() : skdm.group_id();
        auto r = signal_->process_sender_key_distribution(signal::SenderKeyName{group, address.value()},
                                                          crypto::ByteView(reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()));
        if (!r) log::warn("engine: sender key distribution refused", {{"agent", config_.agent_id}, {"error", signal_error_text(r.error())}});
      }
      const auto& content = unwrap_message(*inner);
      InboundMessage candidate = msg;
      if (describe_content(content, candidate)) {
        if (!outcome.has_content) msg = std::move(candidate);
        outcome.has_content = true;
      } else if (candidate.is_protocol) {
        msg.is_protocol = true;
        outcome.history_sync = content.protocol_message().type() == 5;
        if (outcome.history_sync && msg.from_me && content.protocol_message().has_history_sync_notification())
          history = content.protocol_message().history_sync_notification();
        // Our phone's PN -> LID pairs. Only from our own devices (checked before parsing): anyone else
        // could redirect our sends.
        if (!msg.from_me) {
          if (content.protocol_message().has_lid_migration_mapping_sync_message())
            log::warn("engine: LID migration sync from another user ignored", {{"agent", config_.agent_id}, {"from", from->to_string()}});
        } else if (auto pairs = lid_migration_pairs(content)) {
          if (!*pairs) {
            log::warn("engine: bad LID migration sync", {{"agent", config_.agent_id}, {"id", id}, {"error", pairs->error().message}});
          } else {
            learn_mappings_locked(pairs->value(), "lid_migration_sync");
            log::info("engine: LID mappings from our phone", {{"agent", config_.agent_id}, {"pairs", std::to_string(pairs->value().size())}});
          }
        }
      }
    }
    if (!any_enc && !outcome.failed) {
      // <unavailable/> and other enc-less stanzas: nothing to decrypt.
      outcome.failed = false;
    }
    if (!outcome.failed) retry_counts_.erase(id);
  }

  if (outcome.identity_changed) {
    {
      std::lock_guard lock(mu_);
      sender_key_holders_.clear();  // that device starts over without our sender keys
    }
    listener_->on_identity_changed(msg.sender);
  }
  if (outcome.failed) {
    log::warn("engine: cannot decrypt a message", {{"agent", config_.agent_id}, {"id", id}, {"from", from->to_string()}, {"error", outcome.why}});
    send_retry_receipt(node, outcome.why);
    listener_->on_undecryptable(id, *from, outcome.why);
    return;
  }

  // Success: the listener first (the host logs the message durably), then the receipt, after which the
  // server forgets the message. A crash in between means a redelivery, which the host de-duplicates.
  if (outcome.has_content && !outcome.duplicate) listener_->on_message(msg);
  else if (outcome.duplicate)
    log::info("engine: message already decrypted once (a redelivery), not reported again",
              {{"agent", config_.agent_id}, {"id", id}, {"from", from->to_string()}});
  else if (!outcome.has_content)
    log::debug("engine: message without reportable content", {{"agent", config_.agent_id}, {"id", id}});
  std::vector<Attribute> attrs{{"id", id}};
  for (const auto& a : node.attrs)
    if (a.key == "from") attrs.push_back({"to", a.value});
  for (const auto& a : node.attrs)
    if (a.key == "participant" || a.key == "recipient") attrs.push_back(a);
  std::string type;
  if (node.attr_or("category") == "peer") type = "peer_msg";
  else if (msg.from_me) type = "sender";
  else if (!presence_sent_) type = "inactive";
  if (!type.empty()) attrs.push_back({"type", type});
  channel_->send_node(Node("receipt", std::move(attrs)));
  if (outcome.history_sync && msg.from_me) {
    channel_->send_node(Node("receipt", {{"id", id}, {"to", own_.device_jid.to_non_ad()}, {"type", "hist_sync"}}));
  }
  if (history && !outcome.duplicate) queue_history_sync(*history, id);
}

void Messenger::send_retry_receipt(const Node& message, const std::string& why) {
  const std::string id = message.attr_or("id");
  std::uint32_t count = 0;
  {
    std::lock_guard lock(mu_);
    if (retry_counts_.size() > 10'000) retry_counts_.clear();
    count = ++retry_counts_[id];
  }
  if (count > config_.max_retry_receipts) {
    ack(message, "message", "500");
    return;
  }
  std::vector<Attribute> attrs{{"id", id}, {"type", "retry"}};
  for (const auto& a : message.attrs)
    if (a.key == "from") attrs.push_back({"to", a.value});
  for (const auto& a : message.attrs)
    if (a.key == "participant" || a.key == "recipient") attrs.push_back(a);
  NodeList children{Node("retry", {{"count", std::to_string(count)}, {"id", id}, {"t", message.attr_or("t")}, {"v", "1"}}),
                    Node("registration", {}, big_endian4(own_.registration_id))};
  if (count >= 2) {
    // From the second try on, hand the sender our keys so it can start a fresh session without a
    // prekey fetch. The one-time prekey id comes from a range the uploaded prekeys (sequential from
    // 1) never reach, randomised so restarts do not reuse one still unconsumed.
    std::lock_guard lock(mu_);
    auto keys = signal_->local_keys();
    std::array<std::uint8_t, 3> r{};
    crypto::random_bytes(r);
    const std::uint32_t pre_id = 0x800000u | ((static_cast<std::uint32_t>(r[0]) << 16 | r[1] << 8 | r[2]) & 0x7FFFFFu);
    auto pre = signal_->create_pre_keys(pre_id, 1);
    if (keys && pre && !pre->empty()) {
      auto be3 = [](std::uint32_t v) { return Bytes{static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)}; };
      const auto& k = keys.value();
      const auto& p = pre->front();
      NodeList kn{Node("type", {}, Bytes{0x05}), Node("identity", {}, Bytes(k.identity_public.begin(), k.identity_public.end())),
                  Node("key", {}, NodeList{Node("id", {}, be3(p.id)), Node("value", {}, Bytes(p.key_pair.public_key.begin(), p.key_pair.public_key.end()))}),
                  Node("skey", {}, NodeList{Node("id", {}, be3(k.signed_pre_key_id)),
                                            Node("value", {}, Bytes(k.signed_pre_key_public.begin(), k.signed_pre_key_public.end())),
                                            Node("signature", {}, Bytes(k.signed_pre_key_signature.begin(), k.signed_pre_key_signature.end()))})};
      if (!own_.account.empty()) kn.push_back(Node("device-identity", {}, own_.account));
      children.push_back(Node("keys", {}, std::move(kn)));
    } else {
      log::warn("engine: retry receipt without keys", {{"agent", config_.agent_id}, {"error", keys ? (pre ? "no prekey" : pre.error().message) : keys.error().message}});
    }
  }
  channel_->send_node(Node("receipt", std::move(attrs), std::move(children)));
  log::info("engine: asked for a retry", {{"agent", config_.agent_id}, {"id", id}, {"count", std::to_string(count)}, {"cause", why}});
}

void Messenger::handle_receipt(const Node& node) {
  ack(node, "receipt");
  ReceiptEvent ev;
  ev.ids.push_back(node.attr_or("id"));
  if (const Node* list = node.child("list"))
    for (const Node* item : list->children_named("item")) ev.ids.push_back(item->attr_or("id"));
  if (auto from = node.attr_jid("from")) ev.chat = from->to_non_ad();
  ev.participant = node.attr_jid("participant");
  ev.type = node.attr_or("type");
  ev.timestamp_s = to_int(node.attr_or("t"));
  if (ev.type == "retry") handle_retry_receipt(node);
  listener_->on_receipt(ev);
}

void Messenger::handle_notification(const Node& node) {
  ack(node, "notification");
  const std::string type = node.attr_or("type");
  auto from = node.attr_jid("from");
  if (type == "privacy_token" && from) {
    std::lock_guard lock(mu_);
    store_privacy_tokens_locked(*from, node);
  } else if (type == "w:gp2" && from && from->is_group()) {
    std::lock_guard lock(mu_);
    groups_.erase(from->to_string());  // membership or subject changed: query again on the next send
  } else if (type == "devices" && from) {
    std::lock_guard lock(mu_);
    devices_.invalidate(*from);
    if (auto lid = node.attr_jid("lid")) devices_.invalidate(*lid);
    auto other = from->is_lid() ? pn_of_lid_locked(from->user) : lid_of_pn_locked(from->user);
    if (other) devices_.invalidate(Jid(*other, from->is_lid() ? server::user : server::lid));
  } else if (type == "encrypt" && from && node.child("identity")) {
    std::lock_guard lock(mu_);
    auto addr = signal::signal_address_for(from->user, from->server, 0);
    if (addr) (void)signal_->forget_identity(addr->name);
    devices_.invalidate(*from);
  }
}

void Messenger::store_privacy_tokens_locked(const Jid& from, const Node& node) {
  const Node* tokens = node.child("tokens");
  if (!tokens) return;
  Jid sender = signal_jid_locked(from.to_non_ad());
  if (auto pn = node.attr_jid("sender_pn"); pn && from.is_lid()) learn_mapping_locked(pn->to_non_ad(), from.to_non_ad());
  for (const Node* t : tokens->children_named("token")) {
    if (t->attr_or("type") != "trusted_contact") continue;
    auto bytes = t->content_bytes();
    if (!bytes || bytes->empty() || bytes->size() > 1024) continue;  // tokens are small; refuse anything else
    const std::string key = sender.to_non_ad().to_string();
    if (auto st = privacy_tokens_.put(key, store::PrivacyToken{std::move(*bytes), to_int(t->attr_or("t"))}); !st)
      log::warn("engine: privacy token not persisted", {{"agent", config_.agent_id}, {"contact", key}, {"error", st.error().message}});
  }
}

std::optional<Bytes> Messenger::privacy_token_for_locked(const Jid& chat) {
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::vector<Jid> keys{chat.to_non_ad()};
  // A token stored before the contact's LID was known sits under its PN.
  if (chat.is_lid()) {
    if (auto pn = pn_of_lid_locked(chat.user)) keys.emplace_back(*pn, server::user);
  }
  for (const auto& k : keys) {
    auto token = privacy_tokens_.usable(k.to_string(), now_s);
    if (!token) {
      log::warn("engine: privacy token lookup failed", {{"agent", config_.agent_id}, {"contact", k.to_string()}, {"error", token.error().message}});
      continue;
    }
    if (*token) return (*token)->token;
  }
  return std::nullopt;
}

void Messenger::send_presence_available() {
  {
    std::lock_guard lock(mu_);
    presence_sent_ = true;
  }
  channel_->send_node(Node("presence", {{"type", "available"}, {"name", config_.push_name}}));
}

void Messenger::send_chatstate(const Jid& to, bool composing) {
  Jid chat = to.to_non_ad();
  if (chat.is_pn()) {
    if (auto lid = lid_for(chat)) chat = *lid;
  }
  channel_->send_node(Node("chatstate", {{"to", chat}}, NodeList{Node(composing ? "composing" : "paused")}));
}

}  // namespace wabot::engine::messaging
