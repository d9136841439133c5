// SPDX-License-Identifier: GPL-3.0-or-later
// Test double: a StanzaChannel that records every stanza sent and queues requests until the test
// answers them by hand (a scripted server).
#pragma once

#include <deque>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "host/engine/messaging/stanza_channel.hpp"

namespace wabot::test {

class ScriptedChannel : public wabot::engine::messaging::StanzaChannel {
 public:
  using Node = wabot::engine::Node;
  struct Pending {
    Node node;
    ReplyCallback callback;
  };
  void send_node(Node node) override {
    std::lock_guard lock(mu_);
    sent_.push_back(std::move(node));
  }
  void send_request(Node node, ReplyCallback callback, std::int64_t) override {
    std::lock_guard lock(mu_);
    pending_.push_back({std::move(node), std::move(callback)});
  }
  // The oldest unanswered request; throws (the test fails) when there is none.
  Pending take() {
    std::lock_guard lock(mu_);
    if (pending_.empty()) throw std::runtime_error("no pending request");
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    return p;
  }
  // Puts a request taken with take() back at the head of the queue.
  void push_front(Pending p) {
    std::lock_guard lock(mu_);
    pending_.push_front(std::move(p));
  }
  std::size_t pending() {
    std::lock_guard lock(mu_);
    return pending_.size();
  }
  std::vector<Node> sent() {
    std::lock_guard lock(mu_);
    return sent_;
  }

 private:
  std::mutex mu_;
  std::deque<Pending> pending_;
  std::vector<Node> sent_;
};

}  // namespace wabot::test
