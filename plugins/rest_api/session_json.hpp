// SPDX-License-Identifier: GPL-3.0-or-later
// The session object of docs/api.md (persisted row + liveState) and the QR object, as JSON.
#pragma once

#include <Poco/JSON/Object.h>

#include <wabot/sessions.hpp>
#include <wabot/store.hpp>

namespace rest_api {

Poco::JSON::Object session_json(const wabot::SessionInfo& session, bool with_qr);
// {"contentType":"image/png","base64":...[,"text"]}
Poco::JSON::Object qr_json(const wabot::QrCode& qr, bool with_text);
// {"incomingMessages","outgoingMessages","aiExecutions","lastActivity"}
Poco::JSON::Object stats_json(const wabot::AgentStats& stats);
// An ISO-8601 UTC time with milliseconds, or JSON null for 0.
Poco::Dynamic::Var time_or_null(int64_t unix_ms);

}  // namespace rest_api
