// SPDX-License-Identifier: GPL-3.0-or-later
// WhatsappUserRepository on SQL shared by both dialects.
#include "host/store/whatsapp_user_repository.hpp"

namespace wabot::store {
namespace {

// In PostgreSQL the table has the seeds' shape (TIMESTAMPTZ columns, possibly created by the Node.js
// service with UUID ids): times cross the wire as epoch milliseconds converted in SQL, never as
// TIMESTAMP values (Poco 1.11 drops their fractions), and ids are read as text. SQLite stores BIGINT ms.
std::string ms_of(Dialect d, const char* column) {
  if (d != Dialect::postgres) return column;
  return std::string("CAST(EXTRACT(EPOCH FROM ") + column + ") * 1000 AS BIGINT)";
}

std::string ts(Dialect d, const std::string& param) {
  if (d != Dialect::postgres) return param;
  return "to_timestamp(CAST(" + param + " AS BIGINT) / 1000.0)";
}

std::string columns(Dialect d) {
  const bool pg = d == Dialect::postgres;
  return std::string(pg ? "CAST(user_id AS TEXT), CAST(agent_id AS TEXT)" : "user_id, agent_id") +
         ", agent_name, api_key, endpoint_url_run, " + (pg ? "CAST(status AS TEXT)" : "status") + ", " +
         ms_of(d, "last_connected_at") + ", " + ms_of(d, "last_disconnected_at") + ", " + ms_of(d, "created_at") +
         ", " + ms_of(d, "updated_at");
}

WhatsappUser from_row(const Row& r) {
  WhatsappUser u;
  u.user_id = r.text(0);
  u.agent_id = r.text(1);
  u.agent_name = r.text(2);
  u.api_key = r.opt_text(3);
  u.endpoint_url_run = r.opt_text(4);
  u.status = parse_session_status(r.text(5)).value_or(SessionStatus::unset);
  u.last_connected_at_ms = r.opt_int64(6);
  u.last_disconnected_at_ms = r.opt_int64(7);
  u.created_at_ms = r.int64(8);
  u.updated_at_ms = r.int64(9);
  return u;
}

Result<std::optional<WhatsappUser>> select_one(Connection& c, std::string_view agent_id) {
  auto rows = c.query("SELECT " + columns(c.dialect()) + " FROM whatsapp_user WHERE agent_id = $1",
                      {std::string(agent_id)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<WhatsappUser>{};
  return std::optional<WhatsappUser>(from_row(rows->front()));
}

std::string ctx(std::string_view what, std::string_view agent_id) {
  return "failed to " + std::string(what) + " of agent " + std::string(agent_id);
}

}  // namespace

std::string_view session_status_name(SessionStatus status) {
  switch (status) {
    case SessionStatus::awaiting_qr: return "awaiting_qr";
    case SessionStatus::connected: return "connected";
    case SessionStatus::disconnected: return "disconnected";
    case SessionStatus::auth_failed: return "auth_failed";
    case SessionStatus::unset: break;
  }
  return "unset";
}

std::optional<SessionStatus> parse_session_status(std::string_view text) {
  if (text == "awaiting_qr") return SessionStatus::awaiting_qr;
  if (text == "connected") return SessionStatus::connected;
  if (text == "disconnected") return SessionStatus::disconnected;
  if (text == "auth_failed") return SessionStatus::auth_failed;
  return std::nullopt;
}

Result<std::optional<WhatsappUser>> WhatsappUserRepository::get(std::string_view agent_id) {
  auto out = db_.with_connection([&](Connection& c) { return select_one(c, agent_id); });
  if (!out) return out.error().with_context(ctx("read the session", agent_id));
  return out;
}

Result<WhatsappUserPage> WhatsappUserRepository::list(const WhatsappUserFilter& filter,
                                                      std::optional<std::string> cursor, int limit) {
  if (limit < 1 || limit > kMaxPageSize)
    return make_error(ErrorCode::invalid_argument,
                      "limit must be between 1 and " + std::to_string(kMaxPageSize) + ", got " + std::to_string(limit));
  if (filter.status && *filter.status == SessionStatus::unset)
    return make_error(ErrorCode::invalid_argument, "status filter is unset");
  // Conditions are appended only when present: PostgreSQL cannot infer a type for "$1 IS NULL".
  std::string sql = "SELECT " + columns(db_.dialect()) + " FROM whatsapp_user WHERE 1 = 1";
  Params params;
  auto add = [&](const char* condition, SqlValue value) {
    params.push_back(std::move(value));
    sql += std::string(" AND ") + condition + " $" + std::to_string(params.size());
  };
  // As text: an adopted PostgreSQL table may declare user_id UUID, and a filter that is not a UUID
  // must simply match nothing instead of failing.
  if (filter.user_id) add(db_.dialect() == Dialect::postgres ? "CAST(user_id AS TEXT) =" : "user_id =", *filter.user_id);
  if (filter.status) add("status =", std::string(session_status_name(*filter.status)));
  if (cursor) add("agent_id >", *cursor);
  // One row more than asked tells whether another page exists.
  sql += " ORDER BY agent_id LIMIT " + std::to_string(limit + 1);

  auto rows = db_.with_connection([&](Connection& c) { return c.query(sql, params); });
  if (!rows) return rows.error().with_context("failed to list sessions");
  WhatsappUserPage page;
  for (const Row& row : *rows) {
    if (static_cast<int>(page.users.size()) == limit) {
      page.next_cursor = page.users.back().agent_id;
      break;
    }
    page.users.push_back(from_row(row));
  }
  return page;
}

Result<UpsertOutcome> WhatsappUserRepository::upsert(const WhatsappUserUpsert& in) {
  if (in.user_id.empty() || in.agent_id.empty() || in.agent_name.empty())
    return make_error(ErrorCode::invalid_argument, "user_id, agent_id and agent_name are required");
  auto attempt = [&]() {
    return db_.transaction([&](Connection& c) -> Result<UpsertOutcome> {
      auto existing = select_one(c, in.agent_id);
      if (!existing) return existing.error();
      const std::int64_t now = clock_();
      if (*existing) {
        if ((*existing)->user_id != in.user_id)
          return make_error(ErrorCode::agent_id_taken, "agent_id " + in.agent_id + " belongs to another user");
        auto updated = c.execute(
            "UPDATE whatsapp_user SET agent_name = $1, api_key = COALESCE($2, api_key),"
            " endpoint_url_run = CASE WHEN endpoint_url_run IS NULL OR endpoint_url_run = '' THEN $3"
            " ELSE endpoint_url_run END, updated_at = " + ts(c.dialect(), "$4") + " WHERE agent_id = $5",
            {in.agent_name, sql_optional(in.api_key), in.default_endpoint_url_run, now, in.agent_id});
        if (!updated) return updated.error();
      } else {
        auto inserted = c.execute(
            "INSERT INTO whatsapp_user (user_id, agent_id, agent_name, api_key, endpoint_url_run, status,"
            " last_connected_at, last_disconnected_at, created_at, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, 'awaiting_qr', NULL, NULL, " + ts(c.dialect(), "$6") + ", " +
                ts(c.dialect(), "$6") + ")",
            {in.user_id, in.agent_id, in.agent_name, sql_optional(in.api_key), in.default_endpoint_url_run, now});
        if (!inserted) return inserted.error();
      }
      auto row = select_one(c, in.agent_id);
      if (!row) return row.error();
      if (!*row) return make_error(ErrorCode::internal, "the row vanished inside its transaction");
      return UpsertOutcome{std::move(**row), !*existing};
    });
  };
  auto out = attempt();
  // Two first requests for one agent can race to insert; the loser retries and finds the row.
  if (!out && out.error().code == ErrorCode::constraint) out = attempt();
  if (!out) {
    if (out.error().code == ErrorCode::agent_id_taken) return out.error();
    return out.error().with_context(ctx("save the session", in.agent_id));
  }
  return out;
}

Result<bool> WhatsappUserRepository::update_status(std::string_view agent_id, SessionStatus status) {
  if (status == SessionStatus::unset) return make_error(ErrorCode::invalid_argument, "status is unset");
  const std::int64_t now = clock_();
  const std::string at = ts(db_.dialect(), "$2");
  std::string sql = "UPDATE whatsapp_user SET status = $1, updated_at = " + at;
  if (status == SessionStatus::connected) sql += ", last_connected_at = " + at;
  if (status == SessionStatus::disconnected || status == SessionStatus::auth_failed)
    sql += ", last_disconnected_at = " + at;
  sql += " WHERE agent_id = $3";
  auto changed = db_.with_connection([&](Connection& c) {
    return c.execute(sql, {std::string(session_status_name(status)), now, std::string(agent_id)});
  });
  if (!changed) return changed.error().with_context(ctx("update the status", agent_id));
  return *changed > 0;
}

Result<bool> WhatsappUserRepository::update_api_key(std::string_view agent_id,
                                                    const std::optional<std::string>& api_key) {
  auto changed = db_.with_connection([&](Connection& c) {
    return c.execute("UPDATE whatsapp_user SET api_key = $1, updated_at = " + ts(c.dialect(), "$2") + " WHERE agent_id = $3",
                     {sql_optional(api_key), clock_(), std::string(agent_id)});
  });
  if (!changed) return changed.error().with_context(ctx("update the API key", agent_id));
  return *changed > 0;
}

Result<bool> WhatsappUserRepository::remove(std::string_view agent_id) {
  auto changed = db_.with_connection(
      [&](Connection& c) { return c.execute("DELETE FROM whatsapp_user WHERE agent_id = $1", {std::string(agent_id)}); });
  if (!changed) return changed.error().with_context(ctx("delete the session", agent_id));
  return *changed > 0;
}

}  // namespace wabot::store
