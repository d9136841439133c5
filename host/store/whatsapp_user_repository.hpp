// SPDX-License-Identifier: GPL-3.0-or-later
// The whatsapp_user table (one row per agent): get, list with filters and keyset pagination, the
// POST /sessions upsert rules, status changes, delete.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/store/clock.hpp"
#include "host/store/database.hpp"

namespace wabot::store {

// The persisted status of the seeds (the `status` column).
enum class SessionStatus { unset = 0, awaiting_qr, connected, disconnected, auth_failed };

std::string_view session_status_name(SessionStatus status);
// nullopt for anything but the four names.
std::optional<SessionStatus> parse_session_status(std::string_view text);

struct WhatsappUser {
  std::string user_id;
  std::string agent_id;
  std::string agent_name;
  std::optional<std::string> api_key;  // a secret: never log or return it
  std::optional<std::string> endpoint_url_run;
  SessionStatus status = SessionStatus::unset;
  std::optional<std::int64_t> last_connected_at_ms;
  std::optional<std::int64_t> last_disconnected_at_ms;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

struct WhatsappUserUpsert {
  std::string user_id;
  std::string agent_id;
  std::string agent_name;
  // The resolved key (api_keys first, else the request's); nullopt keeps the stored one.
  std::optional<std::string> api_key;
  // ${ai.backend_url}/agents/{agentId}/execute: used for a new row, and for an existing row whose
  // endpoint_url_run is empty.
  std::string default_endpoint_url_run;
};

struct UpsertOutcome {
  WhatsappUser user;
  bool created = false;  // true: a new row (HTTP 201); false: an existing row was updated (200)
};

struct WhatsappUserFilter {
  std::optional<std::string> user_id;
  std::optional<SessionStatus> status;
};

struct WhatsappUserPage {
  std::vector<WhatsappUser> users;          // ordered by agent_id
  std::optional<std::string> next_cursor;   // pass back to get the next page; nullopt at the end
};

class WhatsappUserRepository {
 public:
  static constexpr int kMaxPageSize = 500;

  explicit WhatsappUserRepository(Database& db, Clock clock = system_clock()) : db_(db), clock_(std::move(clock)) {}

  Result<std::optional<WhatsappUser>> get(std::string_view agent_id);

  // Keyset pagination on agent_id: `cursor` is the next_cursor of the previous page (opaque to
  // callers). limit must be 1..kMaxPageSize.
  Result<WhatsappUserPage> list(const WhatsappUserFilter& filter, std::optional<std::string> cursor, int limit);

  // api.md's POST /sessions rules. The agent_id owned by another user_id is ErrorCode::agent_id_taken.
  Result<UpsertOutcome> upsert(const WhatsappUserUpsert& input);

  // Sets status; connected stamps last_connected_at, disconnected/auth_failed stamp
  // last_disconnected_at. False when no such agent.
  Result<bool> update_status(std::string_view agent_id, SessionStatus status);

  // Replaces api_key (the re-read of api_keys after a 401). False when no such agent.
  Result<bool> update_api_key(std::string_view agent_id, const std::optional<std::string>& api_key);

  // False when no such agent.
  Result<bool> remove(std::string_view agent_id);

 private:
  Database& db_;
  Clock clock_;
};

}  // namespace wabot::store
