// SPDX-License-Identifier: GPL-3.0-or-later
// PluginKvRepository: size-checked upserts; keys bound as blobs.
#include "host/store/plugin_kv_repository.hpp"

namespace wabot::store {
namespace {

Bytes blob(std::string_view s) { return Bytes(s.begin(), s.end()); }

Status check(std::string_view plugin, std::string_view key) {
  if (plugin.empty()) return make_error(ErrorCode::invalid_argument, "plugin name is empty");
  if (key.empty() || key.size() > PluginKvRepository::kMaxKeyBytes)
    return make_error(ErrorCode::invalid_argument, "store keys are 1.." +
                                                       std::to_string(PluginKvRepository::kMaxKeyBytes) + " bytes");
  return {};
}

std::string ctx(std::string_view what, std::string_view plugin) {
  return "failed to " + std::string(what) + " a value of plugin " + std::string(plugin);
}

}  // namespace

Status PluginKvRepository::put(std::string_view plugin, std::string_view key, std::string_view value) {
  if (auto st = check(plugin, key); !st) return st;
  if (value.size() > kMaxValueBytes)
    return make_error(ErrorCode::invalid_argument, "store values are at most " + std::to_string(kMaxValueBytes) + " bytes");
  auto done = db_.with_connection([&](Connection& c) {
    // An empty value is stored as NULL (SQLite binds a zero-length blob as NULL) and read back empty.
    return c.execute(
        "INSERT INTO plugin_kv (plugin, kv_key, kv_value, updated_at_ms) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (plugin, kv_key) DO UPDATE SET kv_value = excluded.kv_value, updated_at_ms = excluded.updated_at_ms",
        {std::string(plugin), blob(key), value.empty() ? sql_null() : SqlValue(blob(value)), clock_()});
  });
  if (!done) return done.error().with_context(ctx("store", plugin));
  return {};
}

Result<std::optional<std::string>> PluginKvRepository::get(std::string_view plugin, std::string_view key) {
  if (auto st = check(plugin, key); !st) return st.error();
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query("SELECT kv_value FROM plugin_kv WHERE plugin = $1 AND kv_key = $2", {std::string(plugin), blob(key)});
  });
  if (!rows) return rows.error().with_context(ctx("read", plugin));
  if (rows->empty()) return std::optional<std::string>{};
  Bytes value = rows->front().bytes(0);
  return std::optional<std::string>(std::string(value.begin(), value.end()));
}

Result<bool> PluginKvRepository::remove(std::string_view plugin, std::string_view key) {
  if (auto st = check(plugin, key); !st) return st.error();
  auto changed = db_.with_connection([&](Connection& c) {
    return c.execute("DELETE FROM plugin_kv WHERE plugin = $1 AND kv_key = $2", {std::string(plugin), blob(key)});
  });
  if (!changed) return changed.error().with_context(ctx("remove", plugin));
  return *changed > 0;
}

}  // namespace wabot::store
