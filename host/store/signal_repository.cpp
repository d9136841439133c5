// SPDX-License-Identifier: GPL-3.0-or-later
// SignalRepository: upserts with ON CONFLICT, reads by primary key.
#include "host/store/signal_repository.hpp"

#include <string>

namespace wabot::store {
namespace {

std::string a(std::string_view agent_id) { return std::string(agent_id); }
std::int64_t i(std::uint32_t v) { return static_cast<std::int64_t>(v); }
std::int64_t i(std::int32_t v) { return static_cast<std::int64_t>(v); }

std::string of(std::string_view what, const std::string& subject, std::string_view agent_id) {
  return "failed to " + std::string(what) + " " + subject + " of agent " + std::string(agent_id);
}

std::string sender_key_label(const SenderKeyName& n) { return n.group_id + "/" + n.sender.to_string(); }

Result<std::optional<Bytes>> first_blob(Result<Rows> rows) {
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Bytes>{};
  return std::optional<Bytes>(rows->front().bytes(0));
}

Result<bool> changed_any(Result<std::uint64_t> changed) {
  if (!changed) return changed.error();
  return *changed > 0;
}

PreKey prekey_from_row(const Row& r) {
  PreKey k;
  k.key_id = static_cast<std::uint32_t>(r.int64(0));
  k.private_key = r.bytes(1);
  k.public_key = r.bytes(2);
  k.uploaded = r.int64(3) != 0;
  return k;
}

SignedPreKey signed_prekey_from_row(const Row& r) {
  SignedPreKey k;
  k.key_id = static_cast<std::uint32_t>(r.int64(0));
  k.private_key = r.bytes(1);
  k.public_key = r.bytes(2);
  k.signature = r.bytes(3);
  k.created_at_ms = r.int64(4);
  return k;
}

}  // namespace

// ---- identities

Status SignalRepository::save_identity(std::string_view agent_id, const SignalAddress& address, const Bytes& key) {
  auto done = db_.with_connection([&](Connection& c) {
    return c.execute(
        "INSERT INTO engine_identity_keys (agent_id, address_name, device_id, identity_key, updated_at_ms)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (agent_id, address_name, device_id)"
        " DO UPDATE SET identity_key = excluded.identity_key, updated_at_ms = excluded.updated_at_ms",
        {a(agent_id), address.name, i(address.device_id), key, clock_()});
  });
  if (!done) return done.error().with_context(of("save identity of", address.to_string(), agent_id));
  return {};
}

Result<std::optional<Bytes>> SignalRepository::load_identity(std::string_view agent_id, const SignalAddress& address) {
  auto out = first_blob(db_.with_connection([&](Connection& c) {
    return c.query(
        "SELECT identity_key FROM engine_identity_keys WHERE agent_id = $1 AND address_name = $2 AND device_id = $3",
        {a(agent_id), address.name, i(address.device_id)});
  }));
  if (!out) return out.error().with_context(of("load identity of", address.to_string(), agent_id));
  return out;
}

Result<bool> SignalRepository::remove_identity(std::string_view agent_id, const SignalAddress& address) {
  auto out = changed_any(db_.with_connection([&](Connection& c) {
    return c.execute("DELETE FROM engine_identity_keys WHERE agent_id = $1 AND address_name = $2 AND device_id = $3",
                     {a(agent_id), address.name, i(address.device_id)});
  }));
  if (!out) return out.error().with_context(of("remove identity of", address.to_string(), agent_id));
  return out;
}

Result<std::uint64_t> SignalRepository::remove_all_identities(std::string_view agent_id, std::string_view name) {
  auto out = db_.with_connection([&](Connection& c) {
    return c.execute("DELETE FROM engine_identity_keys WHERE agent_id = $1 AND address_name = $2",
                     {a(agent_id), std::string(name)});
  });
  if (!out) return out.error().with_context(of("remove the identities of", std::string(name), agent_id));
  return out;
}

// ---- prekeys

Status SignalRepository::store_prekeys(std::string_view agent_id, std::span<const PreKey> prekeys) {
  const std::int64_t now = clock_();
  auto done = db_.transaction([&](Connection& c) -> Status {
    for (const PreKey& k : prekeys) {
      auto stored = c.execute(
          "INSERT INTO engine_prekeys (agent_id, key_id, private_key, public_key, uploaded, created_at_ms)"
          " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (agent_id, key_id) DO UPDATE SET"
          " private_key = excluded.private_key, public_key = excluded.public_key, uploaded = excluded.uploaded",
          {a(agent_id), i(k.key_id), k.private_key, k.public_key, static_cast<std::int64_t>(k.uploaded ? 1 : 0), now});
      if (!stored) return stored.error().with_context("prekey " + std::to_string(k.key_id));
    }
    return {};
  });
  if (!done) return done.error().with_context(of("store", std::to_string(prekeys.size()) + " prekeys", agent_id));
  return {};
}

Result<std::optional<PreKey>> SignalRepository::load_prekey(std::string_view agent_id, std::uint32_t key_id) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query(
        "SELECT key_id, private_key, public_key, uploaded FROM engine_prekeys WHERE agent_id = $1 AND key_id = $2",
        {a(agent_id), i(key_id)});
  });
  if (!rows) return rows.error().with_context(of("load prekey", std::to_string(key_id), agent_id));
  if (rows->empty()) return std::optional<PreKey>{};
  return std::optional<PreKey>(prekey_from_row(rows->front()));
}

Result<bool> SignalRepository::remove_prekey(std::string_view agent_id, std::uint32_t key_id) {
  auto out = changed_any(db_.with_connection([&](Connection& c) {
    return c.execute("DELETE FROM engine_prekeys WHERE agent_id = $1 AND key_id = $2", {a(agent_id), i(key_id)});
  }));
  if (!out) return out.error().with_context(of("remove prekey", std::to_string(key_id), agent_id));
  return out;
}

Result<std::uint64_t> SignalRepository::mark_prekeys_uploaded(std::string_view agent_id, std::uint32_t up_to_key_id) {
  auto out = db_.with_connection([&](Connection& c) {
    return c.execute("UPDATE engine_prekeys SET uploaded = 1 WHERE agent_id = $1 AND key_id <= $2 AND uploaded = 0",
                     {a(agent_id), i(up_to_key_id)});
  });
  if (!out) return out.error().with_context(of("mark uploaded the prekeys up to", std::to_string(up_to_key_id), agent_id));
  return out;
}

Result<std::int64_t> SignalRepository::count_uploaded_prekeys(std::string_view agent_id) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query("SELECT COUNT(*) FROM engine_prekeys WHERE agent_id = $1 AND uploaded = 1", {a(agent_id)});
  });
  if (!rows) return rows.error().with_context(of("count", "the uploaded prekeys", agent_id));
  return rows->empty() ? 0 : rows->front().int64(0);
}

Result<std::optional<std::uint32_t>> SignalRepository::max_prekey_id(std::string_view agent_id) {
  auto rows = db_.with_connection(
      [&](Connection& c) { return c.query("SELECT MAX(key_id) FROM engine_prekeys WHERE agent_id = $1", {a(agent_id)}); });
  if (!rows) return rows.error().with_context(of("read", "the highest prekey id", agent_id));
  if (rows->empty() || rows->front().is_null(0)) return std::optional<std::uint32_t>{};
  return std::optional<std::uint32_t>(static_cast<std::uint32_t>(rows->front().int64(0)));
}

Result<std::uint32_t> SignalRepository::reserve_prekey_ids(std::string_view agent_id, std::uint32_t count) {
  constexpr std::int64_t kMaxId = 0xFFFFFF;
  if (count < 1 || count > kMaxPreKeyBatch)
    return make_error(ErrorCode::invalid_argument, "prekey batch must be 1.." + std::to_string(kMaxPreKeyBatch));
  auto first = db_.transaction([&](Connection& c) -> Result<std::uint32_t> {
    auto rows = c.query("SELECT next_prekey_id FROM engine_device_credentials WHERE agent_id = $1", {a(agent_id)});
    if (!rows) return rows.error();
    if (rows->empty()) return make_error(ErrorCode::invalid_argument, "the agent has no device credentials");
    std::int64_t start = rows->front().int64(0);
    if (start < 1 || start + count - 1 > kMaxId) start = 1;
    auto updated = c.execute("UPDATE engine_device_credentials SET next_prekey_id = $1 WHERE agent_id = $2",
                             {start + count, a(agent_id)});
    if (!updated) return updated.error();
    return static_cast<std::uint32_t>(start);
  });
  if (!first) return first.error().with_context(of("reserve", std::to_string(count) + " prekey ids", agent_id));
  return first;
}

Result<std::vector<PreKey>> SignalRepository::unuploaded_prekeys(std::string_view agent_id, int limit) {
  if (limit < 1 || limit > 10000) return make_error(ErrorCode::invalid_argument, "limit must be between 1 and 10000");
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query(
        "SELECT key_id, private_key, public_key, uploaded FROM engine_prekeys WHERE agent_id = $1 AND uploaded = 0"
        " ORDER BY key_id LIMIT " + std::to_string(limit),
        {a(agent_id)});
  });
  if (!rows) return rows.error().with_context(of("read", "the prekeys to upload", agent_id));
  std::vector<PreKey> out;
  for (const Row& r : *rows) out.push_back(prekey_from_row(r));
  return out;
}

// ---- signed prekeys

Status SignalRepository::store_signed_prekey(std::string_view agent_id, const SignedPreKey& k) {
  const std::int64_t now = clock_();
  auto done = db_.transaction([&](Connection& c) -> Status {
    auto stored = c.execute(
        "INSERT INTO engine_signed_prekeys (agent_id, key_id, private_key, public_key, signature, created_at_ms)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (agent_id, key_id) DO UPDATE SET"
        " private_key = excluded.private_key, public_key = excluded.public_key, signature = excluded.signature,"
        " created_at_ms = excluded.created_at_ms",
        {a(agent_id), i(k.key_id), k.private_key, k.public_key, k.signature, k.created_at_ms != 0 ? k.created_at_ms : now});
    if (!stored) return stored.error();
    auto synced = c.execute(
        "UPDATE engine_device_credentials SET signed_prekey_private_key = $1, signed_prekey_public_key = $2,"
        " signed_prekey_signature = $3, updated_at_ms = $4 WHERE agent_id = $5 AND signed_prekey_id = $6",
        {k.private_key, k.public_key, k.signature, now, a(agent_id), i(k.key_id)});
    if (!synced) return synced.error().with_context("cannot update the device credentials' copy");
    return {};
  });
  if (!done) return done.error().with_context(of("store signed prekey", std::to_string(k.key_id), agent_id));
  return {};
}

Result<std::optional<SignedPreKey>> SignalRepository::load_signed_prekey(std::string_view agent_id,
                                                                        std::uint32_t key_id) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query(
        "SELECT key_id, private_key, public_key, signature, created_at_ms FROM engine_signed_prekeys"
        " WHERE agent_id = $1 AND key_id = $2",
        {a(agent_id), i(key_id)});
  });
  if (!rows) return rows.error().with_context(of("load signed prekey", std::to_string(key_id), agent_id));
  if (rows->empty()) return std::optional<SignedPreKey>{};
  return std::optional<SignedPreKey>(signed_prekey_from_row(rows->front()));
}

Result<std::vector<SignedPreKey>> SignalRepository::list_signed_prekeys(std::string_view agent_id) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query(
        "SELECT key_id, private_key, public_key, signature, created_at_ms FROM engine_signed_prekeys"
        " WHERE agent_id = $1 ORDER BY key_id",
        {a(agent_id)});
  });
  if (!rows) return rows.error().with_context(of("list", "the signed prekeys", agent_id));
  std::vector<SignedPreKey> out;
  for (const Row& r : *rows) out.push_back(signed_prekey_from_row(r));
  return out;
}

Result<bool> SignalRepository::remove_signed_prekey(std::string_view agent_id, std::uint32_t key_id) {
  auto out = changed_any(db_.with_connection([&](Connection& c) {
    return c.execute("DELETE FROM engine_signed_prekeys WHERE agent_id = $1 AND key_id = $2", {a(agent_id), i(key_id)});
  }));
  if (!out) return out.error().with_context(of("remove signed prekey", std::to_string(key_id), agent_id));
  return out;
}

// ---- sessions

Result<std::optional<Bytes>> SignalRepository::load_session(std::string_view agent_id, const SignalAddress& address) {
  auto out = first_blob(db_.with_connection([&](Connection& c) {
    return c.query(
        "SELECT record FROM engine_signal_sessions WHERE agent_id = $1 AND address_name = $2 AND device_id = $3",
        {a(agent_id), address.name, i(address.device_id)});
  }));
  if (!out) return out.error().with_context(of("load the session with", address.to_string(), agent_id));
  return out;
}

Status SignalRepository::store_session(std::string_view agent_id, const SignalAddress& address, const Bytes& record) {
  auto done = db_.with_connection([&](Connection& c) {
    return c.execute(
        "INSERT INTO engine_signal_sessions (agent_id, address_name, device_id, record, updated_at_ms)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (agent_id, address_name, device_id)"
        " DO UPDATE SET record = excluded.record, updated_at_ms = excluded.updated_at_ms",
        {a(agent_id), address.name, i(address.device_id), record, clock_()});
  });
  if (!done) return done.error().with_context(of("store the session with", address.to_string(), agent_id));
  return {};
}

Result<bool> SignalRepository::contains_session(std::string_view agent_id, const SignalAddress& address) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query(
        "SELECT 1 FROM engine_signal_sessions WHERE agent_id = $1 AND address_name = $2 AND device_id = $3",
        {a(agent_id), address.name, i(address.device_id)});
  });
  if (!rows) return rows.error().with_context(of("look up the session with", address.to_string(), agent_id));
  return !rows->empty();
}

Result<bool> SignalRepository::remove_session(std::string_view agent_id, const SignalAddress& address) {
  auto out = changed_any(db_.with_connection([&](Connection& c) {
    return c.execute("DELETE FROM engine_signal_sessions WHERE agent_id = $1 AND address_name = $2 AND device_id = $3",
                     {a(agent_id), address.name, i(address.device_id)});
  }));
  if (!out) return out.error().with_context(of("remove the session with", address.to_string(), agent_id));
  return out;
}

Result<std::uint64_t> SignalRepository::remove_all_sessions(std::string_view agent_id, std::string_view name) {
  auto out = db_.with_connection([&](Connection& c) {
    return c.execute("DELETE FROM engine_signal_sessions WHERE agent_id = $1 AND address_name = $2",
                     {a(agent_id), std::string(name)});
  });
  if (!out) return out.error().with_context(of("remove the sessions with", std::string(name), agent_id));
  return out;
}

Result<std::vector<std::int32_t>> SignalRepository::session_device_ids(std::string_view agent_id, std::string_view name) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query(
        "SELECT device_id FROM engine_signal_sessions WHERE agent_id = $1 AND address_name = $2 ORDER BY device_id",
        {a(agent_id), std::string(name)});
  });
  if (!rows) return rows.error().with_context(of("list the sessions with", std::string(name), agent_id));
  std::vector<std::int32_t> out;
  for (const Row& r : *rows) out.push_back(static_cast<std::int32_t>(r.int64(0)));
  return out;
}

// ---- sender keys

Status SignalRepository::store_sender_key(std::string_view agent_id, const SenderKeyName& n, const Bytes& record) {
  auto done = db_.with_connection([&](Connection& c) {
    return c.execute(
        "INSERT INTO engine_sender_keys (agent_id, group_id, sender_name, sender_device_id, record, updated_at_ms)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (agent_id, group_id, sender_name, sender_device_id)"
        " DO UPDATE SET record = excluded.record, updated_at_ms = excluded.updated_at_ms",
        {a(agent_id), n.group_id, n.sender.name, i(n.sender.device_id), record, clock_()});
  });
  if (!done) return done.error().with_context(of("store sender key", sender_key_label(n), agent_id));
  return {};
}

Result<std::optional<Bytes>> SignalRepository::load_sender_key(std::string_view agent_id, const SenderKeyName& n) {
  auto out = first_blob(db_.with_connection([&](Connection& c) {
    return c.query(
        "SELECT record FROM engine_sender_keys WHERE agent_id = $1 AND group_id = $2 AND sender_name = $3"
        " AND sender_device_id = $4",
        {a(agent_id), n.group_id, n.sender.name, i(n.sender.device_id)});
  }));
  if (!out) return out.error().with_context(of("load sender key", sender_key_label(n), agent_id));
  return out;
}

Result<bool> SignalRepository::remove_sender_key(std::string_view agent_id, const SenderKeyName& n) {
  auto out = changed_any(db_.with_connection([&](Connection& c) {
    return c.execute(
        "DELETE FROM engine_sender_keys WHERE agent_id = $1 AND group_id = $2 AND sender_name = $3"
        " AND sender_device_id = $4",
        {a(agent_id), n.group_id, n.sender.name, i(n.sender.device_id)});
  }));
  if (!out) return out.error().with_context(of("remove sender key", sender_key_label(n), agent_id));
  return out;
}

}  // namespace wabot::store
