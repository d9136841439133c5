// SPDX-License-Identifier: GPL-3.0-or-later
// Session: one agent's live state (its engine client, connection state, current QR, who it is) and its
// send limiter. Thread-safe; the client's events and API callers meet here. No thread of its own.
#pragma once

#include <wabot/sessions.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "host/engine/agent/messaging_client_listener.hpp"
#include "host/engine/client/client.hpp"
#include "host/engine/messaging/messenger.hpp"
#include "host/sessions/send_limiter.hpp"

namespace wabot::sessions {

struct LiveState {
  bool has_client = false;
  engine::client::ClientState state = engine::client::ClientState::unset;
  std::optional<QrCode> qr;  // only while awaiting a scan
  std::int64_t connected_at_ms = 0;
  std::string me_jid, me_phone, me_push_name;
  std::string me_lid;  // our device on the LID server, for mention checks; empty when unknown
};

class Session {
 public:
  Session(std::string agent_id, SendLimiterOptions limits);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const std::string& agent_id() const { return agent_id_; }
  SendLimiter& limiter() { return limiter_; }
  // Serialises starting, stopping and logging out this agent's client (API calls may race).
  std::mutex& lifecycle_mutex() { return lifecycle_mutex_; }

  // Installs a new client (the old one must have been stopped); returns its generation, which its
  // listener passes back so late events of an old client never overwrite the new one's state.
  // `glue` is the client's listener, which hands stanzas to the messenger once there is one.
  std::uint64_t attach(std::shared_ptr<engine::client::Client> client,
                       std::shared_ptr<engine::agent::MessagingClientListener> glue);
  std::shared_ptr<engine::client::Client> client() const;
  std::uint64_t generation() const;

  // The Signal messenger of the current (linked) client. set_messenger ignores a stale generation.
  void set_messenger(std::uint64_t generation, std::shared_ptr<engine::messaging::Messenger> messenger);
  std::shared_ptr<engine::messaging::Messenger> messenger() const;
  // Drops the messenger: it holds the client (through its channel) that holds it (through the glue).
  void drop_messenger();

  // Event side (loop threads). Each returns false for a stale generation (then only waiters wake).
  // on_state gives the previous live state.
  bool on_state(std::uint64_t generation, engine::client::ClientState state, engine::client::ClientState& previous);
  bool on_qr(std::uint64_t generation, QrCode qr);
  void set_me(std::uint64_t generation, std::string jid, std::string phone, std::string push_name, std::string lid);
  void set_connected_at(std::uint64_t generation, std::int64_t at_ms);

  // Our own logout in progress: its logged_out is not the phone's doing.
  void set_logging_out(bool value);
  bool logging_out() const;

  LiveState snapshot(bool with_qr) const;

  // Blocks until pred(live state) is true or the deadline passes; true when pred held. Wakes on every
  // event of this session's clients.
  bool wait_until(std::chrono::steady_clock::time_point deadline, const std::function<bool(const LiveState&)>& pred);
  // Wakes waiters (after a client's state changed in a way they poll, e.g. an old client ended).
  void notify();

 private:
  const std::string agent_id_;
  SendLimiter limiter_;
  std::mutex lifecycle_mutex_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::shared_ptr<engine::client::Client> client_;
  std::shared_ptr<engine::agent::MessagingClientListener> glue_;
  std::shared_ptr<engine::messaging::Messenger> messenger_;
  std::uint64_t generation_ = 0;
  bool logging_out_ = false;
  LiveState live_;
};

}  // namespace wabot::sessions
