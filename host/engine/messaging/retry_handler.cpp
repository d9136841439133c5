// SPDX-License-Identifier: GPL-3.0-or-later
// Messenger's answers to incoming retry receipts (docs/protocol/messaging.md §5): the original message
// from the recent sends, re-encrypted for the one device that asked. A group message goes back as a
// pkmsg/msg to that device with our SenderKeyDistributionMessage inside (so our later skmsgs decrypt
// there too), addressed to the group with the device as participant, as whatsmeow's retry.go does.
#include <charconv>

#include "host/common/log.hpp"
#include "host/engine/messaging/prekey_bundle.hpp"
#include "host/engine/messaging/send_job.hpp"
#include "host/engine/signal/signal_address.hpp"

namespace wabot::engine::messaging {

namespace log = wabot::log;

namespace {

std::uint32_t parse_count(const std::string& s) {
  std::uint32_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return 1;
  return v;
}

}  // namespace

std::optional<Error> Messenger::attach_sender_key_locked(wabot::proto::Message& message, const Jid& group) {
  const Jid me = own_.lid ? *own_.lid : own_.device_jid;
  auto own_addr = signal::signal_address_for(me.user, me.server, own_.device_jid.device);
  if (!own_addr) return Error(ErrorCode::state, "no Signal address for our own device");
  // The distribution message of our current sender key (created if the group has none yet): it
  // carries the chain's current iteration, so the device can decrypt this and every later skmsg.
  auto skdm = signal_->create_sender_key_distribution(signal::SenderKeyName{group.to_string(), own_addr.value()});
  if (!skdm) {
    return Error(ErrorCode::crypto, "sender key of " + group.to_string() + " for a retry: " + std::string(signal::to_string(skdm.error().code)) +
                                        ": " + skdm.error().message);
  }
  auto* dist = message.mutable_sender_key_distribution_message();
  dist->set_group_id(group.to_string());
  dist->set_axolotl_sender_key_distribution_message(std::string(skdm->begin(), skdm->end()));
  return std::nullopt;
}

void Messenger::handle_retry_receipt(const Node& node) {
  const Node* retry = node.child("retry");
  auto from = node.attr_jid("from");
  if (!retry || !from) return;
  const std::string id = retry->attr_or("id", node.attr_or("id"));
  auto device = node.attr_jid("participant");
  if (from->is_group() && !device) {
    log::warn("engine: group retry receipt without a participant", {{"agent", config_.agent_id}, {"id", id}});
    return;
  }
  Jid target = device ? *device : *from;
  std::optional<SentRecord> original;
  const std::uint32_t count = parse_count(retry->attr_or("count", "1"));
  {
    std::lock_guard lock(mu_);
    for (auto it = recent_sends_.rbegin(); it != recent_sends_.rend(); ++it)
      if (it->id == id) {
        original = *it;
        break;
      }
    if (!original) {
      log::warn("engine: retry receipt for a message no longer kept", {{"agent", config_.agent_id}, {"id", id}});
      return;
    }
    const std::string key = target.to_string() + "/" + id;
    if (original->chat.is_group()) {
      // The device could not read our group message: it may lack our sender key, whatever we thought.
      auto holders = sender_key_holders_.find(original->chat.to_string());
      if (holders != sender_key_holders_.end()) {
        holders->second.erase(target.to_string());
        holders->second.erase(signal_jid_locked(target).to_string());
      }
    }
    if (retries_answered_.size() > 10'000) retries_answered_.clear();
    if (++retries_answered_[key] > 10) return;
    // Keys in the receipt: rebuild the session from them (the peer lost its session).
    Jid sig = signal_jid_locked(target);
    auto addr = signal::signal_address_for(sig.user, sig.server, sig.device);
    if (!addr) return;
    if (const Node* keys = node.child("keys")) {
      auto bundle = parse_bundle_keys(*keys, node.child("registration"));
      if (bundle) {
        bundle->device_id = sig.device;
        (void)signal_->delete_session(addr.value());
        auto r = signal_->process_prekey_bundle(addr.value(), *bundle);
        if (!r) log::warn("engine: retry keys refused", {{"agent", config_.agent_id}, {"error", r.error().message}});
      }
    } else if (count >= 2) {
      // No keys: start over with a fetched bundle (ensure_sessions fetches when no session is left).
      (void)signal_->delete_session(addr.value());
    }
  }
  auto job = std::make_shared<SendJob>();
  job->id = id;
  job->to = original->chat;
  job->chat = original->chat;
  job->message = original->message;
  job->retry_count = count;
  job->retry_t = retry->attr_or("t");
  job->group = original->chat.is_group();
  if (job->group) job->retry_participant = target;
  {
    std::lock_guard lock(mu_);
    job->retry_device = signal_jid_locked(target);
  }
  job->peer_devices = {*job->retry_device};
  log::info("engine: answering a retry receipt", {{"agent", config_.agent_id}, {"id", id}, {"device", target.to_string()},
                                                  {"count", std::to_string(count)}, {"group", job->group ? "true" : "false"}});
  ensure_sessions(job);
}

}  // namespace wabot::engine::messaging
