// SPDX-License-Identifier: GPL-3.0-or-later
// RecordingListener: a ClientListener that records every event and lets tests wait on conditions.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "host/engine/client/client_listener.hpp"

namespace wabot::engine::test {

class RecordingListener : public client::ClientListener {
 public:
  struct Event {
    std::string kind;  // state | qr | paired | connected | disconnected
    client::ClientState state = client::ClientState::unset;
    client::DisconnectReason reason = client::DisconnectReason::unset;
    std::string text;
    std::size_t png_bytes = 0;
  };

  void on_state(client::ClientState s, client::DisconnectReason r, const std::string& d) override { add({"state", s, r, d, 0}); }
  void on_qr(const std::string& text, const std::vector<std::uint8_t>& png) override { add({"qr", {}, {}, text, png.size()}); }
  void on_paired(const Jid& jid, const Jid& lid, const std::string&) override {
    add({"paired", {}, {}, jid.to_string() + " " + lid.to_string(), 0});
  }
  void on_connected() override { add({"connected", {}, {}, "", 0}); }
  void on_disconnected(client::DisconnectReason r, const std::string& d) override { add({"disconnected", {}, r, d, 0}); }

  // Waits until pred(events) holds or the timeout passes; returns whether it held.
  bool wait_for(const std::function<bool(const std::vector<Event>&)>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return pred(events_); });
  }
  bool wait_count(const std::string& kind, std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    return wait_for([&](const auto& ev) { return count_locked(ev, kind) >= n; }, timeout);
  }
  bool wait_state(client::ClientState s, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    return wait_for([&](const auto& ev) {
      for (const auto& e : ev) if (e.kind == "state" && e.state == s) return true;
      return false;
    }, timeout);
  }
  std::size_t count(const std::string& kind) {
    std::lock_guard lock(mu_);
    return count_locked(events_, kind);
  }
  std::vector<Event> events() {
    std::lock_guard lock(mu_);
    return events_;
  }
  std::string last_qr() {
    std::lock_guard lock(mu_);
    for (auto it = events_.rbegin(); it != events_.rend(); ++it) if (it->kind == "qr") return it->text;
    return "";
  }
  std::string summary() {
    std::lock_guard lock(mu_);
    std::string s;
    for (const auto& e : events_)
      s += e.kind + "(" + std::string(client::state_name(e.state)) + "," + std::string(client::reason_name(e.reason)) + "," +
           e.text.substr(0, 120) + ") ";
    return s;
  }

 private:
  static std::size_t count_locked(const std::vector<Event>& ev, const std::string& kind) {
    std::size_t n = 0;
    for (const auto& e : ev) n += e.kind == kind;
    return n;
  }
  void add(Event e) {
    {
      std::lock_guard lock(mu_);
      events_.push_back(std::move(e));
    }
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
};

}  // namespace wabot::engine::test
