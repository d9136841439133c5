// SPDX-License-Identifier: GPL-3.0-or-later
// MessageLogRepository: idempotent appends (ON CONFLICT DO NOTHING works on SQLite >= 3.24 and
// PostgreSQL) and aggregate stats.
#include "host/store/message_log_repository.hpp"

#include "host/store/agent_activity_repository.hpp"

namespace wabot::store {
namespace {

std::string ctx(std::string_view what, std::string_view message_id, std::string_view agent_id) {
  return "failed to " + std::string(what) + " " + std::string(message_id) + " of agent " + std::string(agent_id);
}

constexpr std::string_view kColumns =
    "SELECT agent_id, message_id, chat_jid, sender_jid, direction, type, text, quoted_id, timestamp_ms, status,"
    " push_name, mentions, media_mime_type, is_group, created_at";

SqlValue optional_text(const std::string& s) { return s.empty() ? sql_null() : SqlValue(s); }

// Mentions are JIDs (no whitespace): one column, space-separated.
std::string join_jids(const std::vector<std::string>& jids) {
  std::string out;
  for (const auto& j : jids) out += (out.empty() ? "" : " ") + j;
  return out;
}

std::vector<std::string> split_jids(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < joined.size()) {
    std::size_t end = joined.find(' ', start);
    if (end == std::string::npos) end = joined.size();
    if (end > start) out.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

LoggedMessage from_row(const Row& r) {
  LoggedMessage m;
  m.agent_id = r.text(0);
  m.message_id = r.text(1);
  m.chat_jid = r.text(2);
  m.sender_jid = r.text(3);
  m.direction = r.text(4) == "in" ? MessageDirection::incoming : MessageDirection::outgoing;
  m.type = r.text(5);
  m.text = r.opt_text(6);
  m.quoted_id = r.opt_text(7);
  m.timestamp_ms = r.int64(8);
  m.status = r.text(9);
  m.push_name = r.opt_text(10).value_or("");
  m.mentions = split_jids(r.opt_text(11).value_or(""));
  m.media_mime_type = r.opt_text(12).value_or("");
  m.is_group = r.int64(13) != 0;
  m.created_at_ms = r.int64(14);
  return m;
}

}  // namespace

Result<bool> MessageLogRepository::append(const LoggedMessage& m) {
  if (m.agent_id.empty() || m.message_id.empty() || m.direction == MessageDirection::unset)
    return make_error(ErrorCode::invalid_argument, "a logged message needs agent_id, message_id and a direction");
  // The row and the agent's activity counters change together (a duplicate id changes neither).
  auto changed = db_.transaction([&](Connection& c) -> Result<std::uint64_t> {
    auto inserted = c.execute(
        "INSERT INTO messages (agent_id, message_id, chat_jid, sender_jid, direction, type, text, quoted_id,"
        " timestamp_ms, status, created_at, push_name, mentions, media_mime_type, is_group)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        " ON CONFLICT (agent_id, message_id) DO NOTHING",
        {m.agent_id, m.message_id, m.chat_jid, m.sender_jid,
         std::string(m.direction == MessageDirection::incoming ? "in" : "out"), m.type, sql_optional(m.text),
         sql_optional(m.quoted_id), m.timestamp_ms, m.status, clock_(), optional_text(m.push_name),
         optional_text(join_jids(m.mentions)), optional_text(m.media_mime_type), std::int64_t{m.is_group ? 1 : 0}});
    if (!inserted || *inserted == 0) return inserted;
    ActivityDelta delta;
    (m.direction == MessageDirection::incoming ? delta.incoming_messages : delta.outgoing_messages) = 1;
    delta.activity_ms = m.timestamp_ms;
    if (auto counted = AgentActivityRepository::add(c, m.agent_id, delta); !counted) return counted.error();
    return inserted;
  });
  if (!changed) return changed.error().with_context(ctx("log message", m.message_id, m.agent_id));
  return *changed > 0;
}

Result<std::optional<LoggedMessage>> MessageLogRepository::find(std::string_view agent_id,
                                                                std::string_view message_id) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query(std::string(kColumns) + " FROM messages WHERE agent_id = $1 AND message_id = $2",
                   {std::string(agent_id), std::string(message_id)});
  });
  if (!rows) return rows.error().with_context(ctx("read message", message_id, agent_id));
  if (rows->empty()) return std::optional<LoggedMessage>{};
  return std::optional<LoggedMessage>(from_row(rows->front()));
}

Result<std::vector<LoggedMessage>> MessageLogRepository::received_between(std::string_view agent_id, std::int64_t from_ms,
                                                                          std::int64_t before_ms, std::size_t limit) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query(std::string(kColumns) +
                       " FROM messages WHERE agent_id = $1 AND status = 'received' AND created_at >= $2"
                       " AND created_at < $3 ORDER BY created_at, id LIMIT $4",
                   {std::string(agent_id), from_ms, before_ms, static_cast<std::int64_t>(limit)});
  });
  if (!rows) return rows.error().with_context("failed to read the undispatched messages of agent " + std::string(agent_id));
  std::vector<LoggedMessage> out;
  out.reserve(rows->size());
  for (const Row& r : *rows) out.push_back(from_row(r));
  return out;
}

Result<bool> MessageLogRepository::update_status(std::string_view agent_id, std::string_view message_id,
                                                 std::string_view status) {
  auto changed = db_.with_connection([&](Connection& c) {
    return c.execute("UPDATE messages SET status = $1 WHERE agent_id = $2 AND message_id = $3",
                     {std::string(status), std::string(agent_id), std::string(message_id)});
  });
  if (!changed) return changed.error().with_context(ctx("update the status of message", message_id, agent_id));
  return *changed > 0;
}

Result<MessageStats> MessageLogRepository::stats(std::string_view agent_id) {
  auto rows = db_.with_connection([&](Connection& c) {
    return c.query(
        "SELECT COALESCE(SUM(CASE WHEN direction = 'in' THEN 1 ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN direction = 'out' THEN 1 ELSE 0 END), 0), MAX(timestamp_ms)"
        " FROM messages WHERE agent_id = $1",
        {std::string(agent_id)});
  });
  if (!rows) return rows.error().with_context("failed to count the messages of agent " + std::string(agent_id));
  MessageStats stats;
  if (!rows->empty()) {
    const Row& r = rows->front();
    stats.incoming = r.int64(0);
    stats.outgoing = r.int64(1);
    stats.last_activity_ms = r.opt_int64(2);
  }
  return stats;
}

}  // namespace wabot::store
