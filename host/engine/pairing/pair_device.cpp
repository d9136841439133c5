// SPDX-License-Identifier: GPL-3.0-or-later
// Parsing of pair-device refs and the iq acknowledgement.
#include "host/engine/pairing/pair_device.hpp"

namespace wabot::engine::pairing {

bool is_pair_device(const Node& node) {
  return node.tag == "iq" && node.attr_or("type") == "set" && node.child("pair-device") != nullptr;
}

Result<PairDeviceRequest> parse_pair_device(const Node& iq) {
  if (!is_pair_device(iq)) return Error(ErrorCode::protocol, "not a pair-device iq");
  if (auto from = iq.attr_jid("from"); from && !(from->is_server() && from->is_pn()))
    return Error(ErrorCode::protocol, "pair-device from '" + from->to_string() + "' instead of the server");
  PairDeviceRequest req;
  req.iq_id = iq.attr_or("id");
  if (req.iq_id.empty()) return Error(ErrorCode::protocol, "pair-device iq without an id");
  for (const Node* ref : iq.child("pair-device")->children_named("ref")) {
    auto b = ref->content_bytes();
    if (!b || b->empty() || b->size() > 1024) return Error(ErrorCode::malformed, "pair-device ref is empty or too long");
    if (req.refs.size() < 64) req.refs.emplace_back(b->begin(), b->end());
  }
  if (req.refs.empty()) return Error(ErrorCode::protocol, "pair-device iq without refs");
  return req;
}

Node iq_result_for(const Node& iq) {
  return Node("iq", {{"to", server_jid()}, {"type", "result"}, {"id", iq.attr_or("id")}});
}

}  // namespace wabot::engine::pairing
