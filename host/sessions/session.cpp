// SPDX-License-Identifier: GPL-3.0-or-later
// One agent's live state, guarded by its own mutex.
#include "host/sessions/session.hpp"

#include "host/sessions/session_state_map.hpp"

namespace wabot::sessions {

using engine::client::ClientState;

Session::Session(std::string agent_id, SendLimiterOptions limits) : agent_id_(std::move(agent_id)), limiter_(limits) {}

std::uint64_t Session::attach(std::shared_ptr<engine::client::Client> client,
                              std::shared_ptr<engine::agent::MessagingClientListener> glue) {
  std::lock_guard lock(mutex_);
  if (glue_) glue_->set_messenger(nullptr);
  messenger_.reset();
  client_ = std::move(client);
  glue_ = std::move(glue);
  ++generation_;
  live_.has_client = client_ != nullptr;
  live_.state = client_ ? ClientState::starting : ClientState::unset;
  live_.qr.reset();
  live_.connected_at_ms = 0;
  cv_.notify_all();
  return generation_;
}

std::shared_ptr<engine::client::Client> Session::client() const {
  std::lock_guard lock(mutex_);
  return client_;
}

std::uint64_t Session::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

void Session::set_messenger(std::uint64_t generation, std::shared_ptr<engine::messaging::Messenger> messenger) {
  std::lock_guard lock(mutex_);
  if (generation != generation_ || !glue_) return;
  messenger_ = std::move(messenger);
  glue_->set_messenger(messenger_);
}

std::shared_ptr<engine::messaging::Messenger> Session::messenger() const {
  std::lock_guard lock(mutex_);
  return messenger_;
}

void Session::drop_messenger() {
  std::lock_guard lock(mutex_);
  if (glue_) glue_->set_messenger(nullptr);
  messenger_.reset();
}

bool Session::on_state(std::uint64_t generation, ClientState state, ClientState& previous) {
  std::lock_guard lock(mutex_);
  cv_.notify_all();
  if (generation != generation_) return false;
  previous = live_.state;
  live_.state = state;
  // A QR is only meaningful while the client waits for a scan.
  if (state != ClientState::awaiting_qr) live_.qr.reset();
  if (state != ClientState::connected) live_.connected_at_ms = 0;
  if (state == ClientState::logged_out || state == ClientState::auth_failed) {
    live_.me_jid.clear();
    live_.me_phone.clear();
    live_.me_lid.clear();
  }
  return true;
}

bool Session::on_qr(std::uint64_t generation, QrCode qr) {
  std::lock_guard lock(mutex_);
  cv_.notify_all();
  if (generation != generation_) return false;
  live_.qr = std::move(qr);
  return true;
}

void Session::set_me(std::uint64_t generation, std::string jid, std::string phone, std::string push_name,
                     std::string lid) {
  std::lock_guard lock(mutex_);
  if (generation != generation_) return;
  live_.me_jid = std::move(jid);
  live_.me_lid = std::move(lid);
  live_.me_phone = std::move(phone);
  live_.me_push_name = std::move(push_name);
  cv_.notify_all();
}

void Session::set_connected_at(std::uint64_t generation, std::int64_t at_ms) {
  std::lock_guard lock(mutex_);
  if (generation != generation_) return;
  live_.connected_at_ms = at_ms;
  cv_.notify_all();
}

void Session::set_logging_out(bool value) {
  std::lock_guard lock(mutex_);
  logging_out_ = value;
}

bool Session::logging_out() const {
  std::lock_guard lock(mutex_);
  return logging_out_;
}

LiveState Session::snapshot(bool with_qr) const {
  std::lock_guard lock(mutex_);
  LiveState copy = live_;
  if (!with_qr) copy.qr.reset();
  return copy;
}

bool Session::wait_until(std::chrono::steady_clock::time_point deadline, const std::function<bool(const LiveState&)>& pred) {
  std::unique_lock lock(mutex_);
  return cv_.wait_until(lock, deadline, [&] { return pred(live_); });
}

void Session::notify() {
  std::lock_guard lock(mutex_);
  cv_.notify_all();
}

}  // namespace wabot::sessions
