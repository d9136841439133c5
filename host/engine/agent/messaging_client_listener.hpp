// SPDX-License-Identifier: GPL-3.0-or-later
// MessagingClientListener: a ClientListener that hands every unconsumed stanza to a Messenger (set
// once the agent is linked) and forwards the connection events to an optional inner listener.
#pragma once

#include <memory>
#include <mutex>

#include "host/engine/client/client_listener.hpp"
#include "host/engine/messaging/messenger.hpp"

namespace wabot::engine::agent {

class MessagingClientListener : public client::ClientListener {
 public:
  explicit MessagingClientListener(std::shared_ptr<client::ClientListener> inner = nullptr) : inner_(std::move(inner)) {}

  void set_messenger(std::shared_ptr<messaging::Messenger> messenger) {
    std::lock_guard lock(mu_);
    messenger_ = std::move(messenger);
  }

  void on_state(client::ClientState s, client::DisconnectReason r, const std::string& d) override {
    if (inner_) inner_->on_state(s, r, d);
  }
  void on_qr(const std::string& text, const std::vector<std::uint8_t>& png) override {
    if (inner_) inner_->on_qr(text, png);
  }
  void on_paired(const Jid& jid, const Jid& lid, const std::string& name) override {
    if (inner_) inner_->on_paired(jid, lid, name);
  }
  void on_connected() override {
    if (inner_) inner_->on_connected();
  }
  void on_disconnected(client::DisconnectReason r, const std::string& d) override {
    if (inner_) inner_->on_disconnected(r, d);
  }
  void on_node(const Node& node) override {
    std::shared_ptr<messaging::Messenger> m;
    {
      std::lock_guard lock(mu_);
      m = messenger_;
    }
    if (m) m->handle_node(node);
    if (inner_) inner_->on_node(node);
  }

 private:
  std::shared_ptr<client::ClientListener> inner_;
  std::mutex mu_;
  std::shared_ptr<messaging::Messenger> messenger_;
};

}  // namespace wabot::engine::agent
