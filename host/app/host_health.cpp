// SPDX-License-Identifier: GPL-3.0-or-later
// Component health for GET /health.
#include "host/app/host_health.hpp"

namespace wabot::app {

void HostHealth::set_database(std::shared_ptr<store::Database> database) {
  std::lock_guard lock(mutex_);
  database_ = std::move(database);
}

plugins::DatabaseHealth HostHealth::database() {
  std::shared_ptr<store::Database> db;
  {
    std::lock_guard lock(mutex_);
    db = database_;  // a copy: the query below runs without the lock
  }
  if (!db) return {WABOT_COMPONENT_DOWN, "database is not open"};
  store::Status status = db->healthy();
  if (!status.ok()) return {WABOT_COMPONENT_DOWN, status.error().message};  // the store never puts secrets in it
  return {WABOT_COMPONENT_HEALTHY, ""};
}

void HostHealth::set_sessions(std::function<plugins::SessionCounts()> counts) {
  std::lock_guard lock(mutex_);
  session_counts_ = std::move(counts);
}

plugins::SessionCounts HostHealth::sessions() {
  std::function<plugins::SessionCounts()> counts;
  {
    std::lock_guard lock(mutex_);
    counts = session_counts_;
  }
  return counts ? counts() : plugins::SessionCounts{0, 0};  // no session layer running: truly none
}

}  // namespace wabot::app
