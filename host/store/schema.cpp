// SPDX-License-Identifier: GPL-3.0-or-later
// The tables: the seeds' whatsapp_user and api_keys, the message and AI execution logs, and the
// engine's per-agent device and Signal state. Timestamps are epoch milliseconds in BIGINT columns, except
// whatsapp_user in PostgreSQL, which keeps the seeds' TIMESTAMPTZ columns (see below).
#include "host/store/schema.hpp"

#include <string>

namespace wabot::store {
namespace {

// Spelling differences between the dialects, substituted into the shared DDL below.
std::string ddl(Dialect d, std::string sql) {
  auto replace_all = [&](const std::string& from, const std::string& to) {
    for (std::size_t at = sql.find(from); at != std::string::npos; at = sql.find(from, at + to.size()))
      sql.replace(at, from.size(), to);
  };
  replace_all("{id}", d == Dialect::postgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
  replace_all("{blob}", d == Dialect::postgres ? "BYTEA" : "BLOB");
  return sql;
}

std::vector<Migration> build() {
  std::vector<Migration> m;
  // PostgreSQL: the seeds' table with TIMESTAMPTZ columns, adopted as it is when the Node.js service
  // already created it (a deployment moving over keeps its sessions); agent_id uniqueness is added.
  m.push_back({1, "create_whatsapp_user", [](Dialect d) {
                 if (d == Dialect::postgres)
                   return std::vector<std::string>{
                       "CREATE TABLE IF NOT EXISTS whatsapp_user ("
                       " user_id TEXT NOT NULL,"
                       " agent_id TEXT NOT NULL,"
                       " agent_name TEXT NOT NULL,"
                       " api_key TEXT,"
                       " endpoint_url_run TEXT,"
                       " status TEXT NOT NULL,"
                       " last_connected_at TIMESTAMPTZ,"
                       " last_disconnected_at TIMESTAMPTZ,"
                       " created_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                       " updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                       " PRIMARY KEY (user_id, agent_id))",
                       "CREATE UNIQUE INDEX IF NOT EXISTS whatsapp_user_agent_id_key ON whatsapp_user (agent_id)",
                       "CREATE INDEX IF NOT EXISTS whatsapp_user_status_idx ON whatsapp_user (status, agent_id)",
                   };
                 return std::vector<std::string>{
                     ddl(d,
                         "CREATE TABLE whatsapp_user ("
                         " user_id TEXT NOT NULL,"
                         " agent_id TEXT NOT NULL,"
                         " agent_name TEXT NOT NULL,"
                         " api_key TEXT,"
                         " endpoint_url_run TEXT,"
                         " status TEXT NOT NULL,"
                         " last_connected_at BIGINT,"
                         " last_disconnected_at BIGINT,"
                         " created_at BIGINT NOT NULL,"
                         " updated_at BIGINT NOT NULL,"
                         " PRIMARY KEY (user_id, agent_id),"
                         " CONSTRAINT whatsapp_user_agent_id_key UNIQUE (agent_id))"),
                     "CREATE INDEX whatsapp_user_status_idx ON whatsapp_user (status, agent_id)",
                 };
               }});
  // api_keys belongs to another service in PostgreSQL deployments: created only for embedded SQLite.
  m.push_back({2, "create_api_keys_sqlite_only", [](Dialect d) {
                 if (d != Dialect::sqlite) return std::vector<std::string>{};
                 return std::vector<std::string>{
                     "CREATE TABLE api_keys ("
                     " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                     " user_id TEXT NOT NULL,"
                     " access_token TEXT NOT NULL,"
                     " is_active BOOLEAN NOT NULL DEFAULT 1,"
                     " created_at BIGINT NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER) * 1000))",
                     "CREATE INDEX api_keys_user_idx ON api_keys (user_id, created_at)",
                 };
               }});
  m.push_back({3, "create_messages", [](Dialect d) {
                 return std::vector<std::string>{
                     ddl(d,
                         "CREATE TABLE messages ("
                         " id {id},"
                         " agent_id TEXT NOT NULL,"
                         " message_id TEXT NOT NULL,"
                         " chat_jid TEXT NOT NULL,"
                         " sender_jid TEXT NOT NULL,"
                         " direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),"
                         " type TEXT NOT NULL,"
                         " text TEXT,"
                         " quoted_id TEXT,"
                         " timestamp_ms BIGINT NOT NULL,"
                         " status TEXT NOT NULL,"
                         " created_at BIGINT NOT NULL,"
                         " CONSTRAINT messages_agent_message_key UNIQUE (agent_id, message_id))"),
                     "CREATE INDEX messages_agent_time_idx ON messages (agent_id, timestamp_ms)",
                 };
               }});
  m.push_back({4, "create_ai_executions", [](Dialect d) {
                 return std::vector<std::string>{
                     ddl(d,
                         "CREATE TABLE ai_executions ("
                         " id {id},"
                         " agent_id TEXT NOT NULL,"
                         " trace_id TEXT NOT NULL,"
                         " session_id TEXT NOT NULL,"
                         " source TEXT NOT NULL,"
                         " input TEXT NOT NULL,"
                         " reply TEXT,"
                         " status TEXT NOT NULL,"
                         " http_status BIGINT,"
                         " error TEXT,"
                         " latency_ms BIGINT NOT NULL,"
                         " created_at BIGINT NOT NULL)"),
                     "CREATE INDEX ai_executions_agent_time_idx ON ai_executions (agent_id, created_at)",
                 };
               }});
  // The engine's state. Every table is keyed by agent_id first; clear_agent() deletes them together.
  // `account` (the serialized ADVSignedDeviceIdentity) stays NULL until pairing succeeds.
  m.push_back({5, "create_engine_device_credentials", [](Dialect d) {
                 return std::vector<std::string>{ddl(d,
                                                     "CREATE TABLE engine_device_credentials ("
                                                     " agent_id TEXT PRIMARY KEY,"
                                                     " registration_id BIGINT NOT NULL,"
                                                     " noise_private_key {blob} NOT NULL,"
                                                     " noise_public_key {blob} NOT NULL,"
                                                     " identity_private_key {blob} NOT NULL,"
                                                     " identity_public_key {blob} NOT NULL,"
                                                     " signed_prekey_id BIGINT NOT NULL,"
                                                     " signed_prekey_private_key {blob} NOT NULL,"
                                                     " signed_prekey_public_key {blob} NOT NULL,"
                                                     " signed_prekey_signature {blob} NOT NULL,"
                                                     " adv_secret_key {blob} NOT NULL,"
                                                     " jid TEXT NOT NULL,"
                                                     " lid TEXT NOT NULL,"
                                                     " push_name TEXT NOT NULL,"
                                                     " platform TEXT NOT NULL,"
                                                     " business_name TEXT NOT NULL,"
                                                     " account {blob},"
                                                     " next_prekey_id BIGINT NOT NULL,"
                                                     " created_at_ms BIGINT NOT NULL,"
                                                     " updated_at_ms BIGINT NOT NULL)")};
               }});
  m.push_back({6, "create_engine_signal_tables", [](Dialect d) {
                 return std::vector<std::string>{
                     ddl(d,
                         "CREATE TABLE engine_identity_keys ("
                         " agent_id TEXT NOT NULL, address_name TEXT NOT NULL, device_id BIGINT NOT NULL,"
                         " identity_key {blob} NOT NULL, updated_at_ms BIGINT NOT NULL,"
                         " PRIMARY KEY (agent_id, address_name, device_id))"),
                     ddl(d,
                         "CREATE TABLE engine_prekeys ("
                         " agent_id TEXT NOT NULL, key_id BIGINT NOT NULL,"
                         " private_key {blob} NOT NULL, public_key {blob} NOT NULL,"
                         " uploaded BIGINT NOT NULL DEFAULT 0, created_at_ms BIGINT NOT NULL,"
                         " PRIMARY KEY (agent_id, key_id))"),
                     ddl(d,
                         "CREATE TABLE engine_signed_prekeys ("
                         " agent_id TEXT NOT NULL, key_id BIGINT NOT NULL,"
                         " private_key {blob} NOT NULL, public_key {blob} NOT NULL, signature {blob} NOT NULL,"
                         " created_at_ms BIGINT NOT NULL,"
                         " PRIMARY KEY (agent_id, key_id))"),
                     ddl(d,
                         "CREATE TABLE engine_signal_sessions ("
                         " agent_id TEXT NOT NULL, address_name TEXT NOT NULL, device_id BIGINT NOT NULL,"
                         " record {blob} NOT NULL, updated_at_ms BIGINT NOT NULL,"
                         " PRIMARY KEY (agent_id, address_name, device_id))"),
                     ddl(d,
                         "CREATE TABLE engine_sender_keys ("
                         " agent_id TEXT NOT NULL, group_id TEXT NOT NULL,"
                         " sender_name TEXT NOT NULL, sender_device_id BIGINT NOT NULL,"
                         " record {blob} NOT NULL, updated_at_ms BIGINT NOT NULL,"
                         " PRIMARY KEY (agent_id, group_id, sender_name, sender_device_id))"),
                 };
               }});
  m.push_back({7, "create_engine_caches", [](Dialect d) {
                 return std::vector<std::string>{
                     ddl(d,
                         "CREATE TABLE engine_device_lists ("
                         " agent_id TEXT NOT NULL, user_jid TEXT NOT NULL, device_ids TEXT NOT NULL,"
                         " updated_at_ms BIGINT NOT NULL,"
                         " PRIMARY KEY (agent_id, user_jid))"),
                     ddl(d,
                         "CREATE TABLE engine_lid_mappings ("
                         " agent_id TEXT NOT NULL, lid TEXT NOT NULL, pn TEXT NOT NULL,"
                         " updated_at_ms BIGINT NOT NULL,"
                         " PRIMARY KEY (agent_id, lid),"
                         " CONSTRAINT engine_lid_mappings_pn_key UNIQUE (agent_id, pn))"),
                     ddl(d,
                         "CREATE TABLE engine_privacy_tokens ("
                         " agent_id TEXT NOT NULL, jid TEXT NOT NULL, token {blob} NOT NULL,"
                         " timestamp_ms BIGINT NOT NULL, updated_at_ms BIGINT NOT NULL,"
                         " PRIMARY KEY (agent_id, jid))"),
                 };
               }});
  // Scaling out: which host runs each agent's connection, held for a TTL and renewed.
  m.push_back({8, "create_agent_leases", [](Dialect) {
                 return std::vector<std::string>{
                     "CREATE TABLE agent_leases ("
                     " agent_id TEXT PRIMARY KEY,"
                     " holder TEXT NOT NULL,"
                     " expires_at_ms BIGINT NOT NULL,"
                     " acquired_at_ms BIGINT NOT NULL)",
                 };
               }});
  // The SDK "store" service: plugin-private key/value rows. Keys are blobs so any bytes are allowed
  // (PostgreSQL TEXT refuses NUL and invalid UTF-8).
  m.push_back({9, "create_plugin_kv", [](Dialect d) {
                 return std::vector<std::string>{ddl(d,
                                                     "CREATE TABLE plugin_kv ("
                                                     " plugin TEXT NOT NULL,"
                                                     " kv_key {blob} NOT NULL,"
                                                     " kv_value {blob},"
                                                     " updated_at_ms BIGINT NOT NULL,"
                                                     " PRIMARY KEY (plugin, kv_key))")};
               }});
  // GET /sessions/{id}'s stats in one primary-key read instead of a scan of the agent's whole log.
  // Existing logs are counted once here; from then on every log append adds to its agent's row in the
  // same transaction (host/store/agent_activity_repository).
  m.push_back({10, "create_agent_activity", [](Dialect d) {
                 const std::string newest = d == Dialect::postgres ? "GREATEST" : "MAX";
                 return std::vector<std::string>{
                     "CREATE TABLE agent_activity ("
                     " agent_id TEXT PRIMARY KEY,"
                     " incoming_messages BIGINT NOT NULL,"
                     " outgoing_messages BIGINT NOT NULL,"
                     " ai_executions BIGINT NOT NULL,"
                     " last_activity_ms BIGINT)",
                     "INSERT INTO agent_activity (agent_id, incoming_messages, outgoing_messages, ai_executions,"
                     " last_activity_ms)"
                     " SELECT agent_id, SUM(CASE WHEN direction = 'in' THEN 1 ELSE 0 END),"
                     " SUM(CASE WHEN direction = 'out' THEN 1 ELSE 0 END), 0, MAX(timestamp_ms)"
                     " FROM messages WHERE true GROUP BY agent_id",
                     // WHERE true: SQLite needs it to tell the upsert's ON from a join's.
                     "INSERT INTO agent_activity (agent_id, incoming_messages, outgoing_messages, ai_executions,"
                     " last_activity_ms)"
                     " SELECT agent_id, 0, 0, COUNT(*), MAX(created_at) FROM ai_executions WHERE true GROUP BY agent_id"
                     " ON CONFLICT (agent_id) DO UPDATE SET ai_executions = excluded.ai_executions,"
                     " last_activity_ms = " + newest + "(COALESCE(agent_activity.last_activity_ms, 0), excluded.last_activity_ms)",
                 };
               }});
  // The account's NCT salt from history sync: the key of the <cstoken> fallback (one per agent).
  m.push_back({11, "create_engine_nct_salts", [](Dialect d) {
                 return std::vector<std::string>{ddl(d,
                                                     "CREATE TABLE engine_nct_salts ("
                                                     " agent_id TEXT PRIMARY KEY,"
                                                     " salt {blob} NOT NULL,"
                                                     " updated_at_ms BIGINT NOT NULL)")};
               }});
  // The durable inbound path (issue #5): what a MESSAGE_RECEIVED event needs beyond the text, so the
  // host can publish a logged message again after a crash ("received" rows not yet "dispatched").
  m.push_back({12, "messages_inbound_replay", [](Dialect) {
                 return std::vector<std::string>{
                     "ALTER TABLE messages ADD COLUMN push_name TEXT",
                     "ALTER TABLE messages ADD COLUMN mentions TEXT",
                     "ALTER TABLE messages ADD COLUMN media_mime_type TEXT",
                     "ALTER TABLE messages ADD COLUMN is_group BIGINT NOT NULL DEFAULT 0",
                     "CREATE INDEX messages_agent_status_idx ON messages (agent_id, status, created_at)",
                 };
               }});
  return m;
}

}  // namespace

const std::vector<Migration>& schema_migrations() {
  static const std::vector<Migration> migrations = build();
  return migrations;
}

Result<MigrationReport> migrate(Database& db) { return apply_migrations(db, schema_migrations()); }

}  // namespace wabot::store
