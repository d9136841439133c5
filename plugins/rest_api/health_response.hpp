// SPDX-License-Identifier: GPL-3.0-or-later
// HealthResponse: the body and status of GET /health (docs/api.md) from a host health snapshot.
#pragma once

#include <wabot/health.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace rest_api {

struct HealthResponse {
  int status = 0;  // 200, or 503 when the database is down
  std::string body;

  static HealthResponse from(const wabot::HealthSnapshot& health, std::string_view trace_id);
};

// 2026-01-15T10:30:00.000Z
std::string iso8601_utc_ms(int64_t unix_ms);

}  // namespace rest_api
