// SPDX-License-Identifier: GPL-3.0-or-later
// usync device queries and the device-list cache.
#include "host/engine/messaging/device_list.hpp"

#include <charconv>

namespace wabot::engine::messaging {

Node make_device_query(const std::vector<Jid>& users, const std::string& sid) {
  NodeList list;
  for (const auto& u : users) list.push_back(Node("user", {{"jid", u.to_non_ad()}}));
  NodeList query{Node("devices", {{"version", "2"}}), Node("lid")};
  Node usync("usync", {{"sid", sid}, {"mode", "query"}, {"last", "true"}, {"index", "0"}, {"context", "message"}},
             NodeList{Node("query", {}, std::move(query)), Node("list", {}, std::move(list))});
  return Node("iq", {{"to", server_jid()}, {"type", "get"}, {"xmlns", "usync"}}, NodeList{std::move(usync)});
}

Result<std::vector<UserDevices>> parse_device_reply(const Node& reply) {
  if (reply.attr_or("type") == "error") {
    const Node* err = reply.child("error");
    return Error(ErrorCode::protocol, "usync refused: " + (err ? err->attr_or("code") + " " + err->attr_or("text") : std::string("error")));
  }
  const Node* usync = reply.child("usync");
  const Node* list = usync ? usync->child("list") : nullptr;
  if (list == nullptr) return Error(ErrorCode::malformed, "usync reply has no <usync><list>");
  std::vector<UserDevices> out;
  for (const Node* user : list->children_named("user")) {
    auto jid = user->attr_jid("jid");
    if (!jid) continue;
    UserDevices ud;
    ud.user = jid->to_non_ad();
    if (const Node* lid = user->child("lid")) {
      if (auto v = lid->attr_jid("val"); v && v->is_lid()) ud.lid = v->to_non_ad();
    }
    const Node* devices = user->child("devices");
    const Node* dl = devices ? devices->child("device-list") : nullptr;
    if (dl != nullptr) {
      for (const Node* d : dl->children_named("device")) {
        std::string id_text = d->attr_or("id");
        unsigned id = 0;
        auto [p, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
        if (ec != std::errc() || p != id_text.data() + id_text.size() || id > 0xFFFF) continue;
        if (id != 0 && !d->attr("key-index")) continue;
        if (d->attr_or("is_hosted") == "true") continue;  // hosted (Cloud API) devices: not supported yet
        ud.devices.push_back(static_cast<std::uint16_t>(id));
      }
    }
    out.push_back(std::move(ud));
  }
  return out;
}

std::optional<UserDevices> DeviceListCache::get(const Jid& user, std::chrono::steady_clock::time_point now) const {
  auto it = entries_.find(user.to_non_ad().to_string());
  if (it == entries_.end() || now - it->second.fetched > ttl_) return std::nullopt;
  return it->second.devices;
}

void DeviceListCache::put(const UserDevices& devices, std::chrono::steady_clock::time_point now) {
  // Bounded: one entry per contacted user; a bot talks to a bounded set within a TTL, and stale
  // entries are replaced, so drop everything expired when the map grows large.
  if (entries_.size() > 10'000) {
    for (auto it = entries_.begin(); it != entries_.end();) it = now - it->second.fetched > ttl_ ? entries_.erase(it) : std::next(it);
  }
  entries_[devices.user.to_non_ad().to_string()] = Entry{devices, now};
}

void DeviceListCache::invalidate(const Jid& user) { entries_.erase(user.to_non_ad().to_string()); }

}  // namespace wabot::engine::messaging
