// SPDX-License-Identifier: GPL-3.0-or-later
// The host's service tables, one per file (log_service.cpp, config_service.cpp, ...), and the host API
// table that hands them out by name and major version.
#pragma once

#include <wabot/abi.h>

namespace wabot::plugins {

const wabot_host_api* host_api();

const wabot_log_service_v1* log_service();
const wabot_config_service_v1* config_service();
const wabot_http_service_v1* http_service();
const wabot_events_service_v1* events_service();
const wabot_sessions_service_v1* sessions_service();
const wabot_messaging_service_v1* messaging_service();
const wabot_scheduler_service_v1* scheduler_service();
const wabot_health_service_v1* health_service();
const wabot_store_service_v1* store_service();

}  // namespace wabot::plugins
