// SPDX-License-Identifier: GPL-3.0-or-later
// ClientStanzaChannel: the messaging layer's StanzaChannel over a client::Client connection.
#pragma once

#include <memory>

#include "host/engine/client/client.hpp"
#include "host/engine/messaging/stanza_channel.hpp"

namespace wabot::engine::agent {

class ClientStanzaChannel final : public messaging::StanzaChannel {
 public:
  explicit ClientStanzaChannel(std::shared_ptr<client::Client> client) : client_(std::move(client)) {}

  void send_node(Node node) override { client_->send_node(std::move(node)); }
  // Client::send_iq matches replies by id, and a message's server <ack> carries the message id, so
  // the same pending-request table completes sends on their ack.
  void send_request(Node node, ReplyCallback callback, std::int64_t timeout_ms) override {
    client_->send_iq(std::move(node), std::move(callback), timeout_ms);
  }

 private:
  std::shared_ptr<client::Client> client_;
};

}  // namespace wabot::engine::agent
