// SPDX-License-Identifier: GPL-3.0-or-later
// DeviceCache: device ids kept as a comma-separated text column ("0,3,12"), parsed strictly on read.
#include "host/store/device_cache.hpp"

#include <algorithm>
#include <charconv>

namespace wabot::store {
namespace {

std::string encode(const std::vector<std::uint32_t>& ids) {
  std::string out;
  for (std::uint32_t id : ids) {
    if (!out.empty()) out.push_back(',');
    out += std::to_string(id);
  }
  return out;
}

std::optional<std::vector<std::uint32_t>> decode(std::string_view text) {
  std::vector<std::uint32_t> ids;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    std::uint32_t id = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), id);
    if (ec != std::errc() || ptr != part.data() + part.size() || part.empty()) return std::nullopt;
    ids.push_back(id);
    if (comma == std::string_view::npos) break;
    text = text.substr(comma + 1);
    if (text.empty()) return std::nullopt;  // trailing comma
  }
  return ids;
}

std::string of(std::string_view what, std::string_view user_jid, std::string_view agent_id) {
  return "failed to " + std::string(what) + " the device list of " + std::string(user_jid) + " for agent " +
         std::string(agent_id);
}

}  // namespace

Status DeviceCache::put(std::string_view agent_id, std::string_view user_jid, std::vector<std::uint32_t> ids) {
  if (ids.size() > kMaxDevices)
    return make_error(ErrorCode::invalid_argument, of("store", user_jid, agent_id) + ": more than " +
                                                        std::to_string(kMaxDevices) + " devices");
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  auto done = db_.with_connection([&](Connection& c) {
    return c.execute(
        "INSERT INTO engine_device_lists (agent_id, user_jid, device_ids, updated_at_ms) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (agent_id, user_jid) DO UPDATE SET device_ids = excluded.device_ids,"
        " updated_at_ms = excluded.updated_at_ms",
        {std::string(agent_id), std::string(user_jid), encode(ids), clock_()});
  });
  if (!done) return done.error().with_context(of("store", user_jid, agent_id));
  return {};
}

Result<std::optional<DeviceList>> DeviceCache::get(std::string_view agent_id, std::string_view user_jid) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query("SELECT device_ids, updated_at_ms FROM engine_device_lists WHERE agent_id = $1 AND user_jid = $2",
                   {std::string(agent_id), std::string(user_jid)});
  });
  if (!rows) return rows.error().with_context(of("load", user_jid, agent_id));
  if (rows->empty()) return std::optional<DeviceList>{};
  auto ids = decode(rows->front().text(0));
  if (!ids) return make_error(ErrorCode::internal, of("load", user_jid, agent_id) + ": the stored list is malformed");
  return std::optional<DeviceList>(DeviceList{std::move(*ids), rows->front().int64(1)});
}

Result<bool> DeviceCache::remove(std::string_view agent_id, std::string_view user_jid) {
  auto changed = db_.with_connection([&](Connection& c) {
    return c.execute("DELETE FROM engine_device_lists WHERE agent_id = $1 AND user_jid = $2",
                     {std::string(agent_id), std::string(user_jid)});
  });
  if (!changed) return changed.error().with_context(of("remove", user_jid, agent_id));
  return *changed > 0;
}

}  // namespace wabot::store
