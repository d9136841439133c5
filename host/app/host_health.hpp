// SPDX-License-Identifier: GPL-3.0-or-later
// HostHealth: the component health the SDK's "health" service reports (GET /health), read from the
// host's live components.
#pragma once

#include "host/plugins/health_backend.hpp"
#include "host/store/database.hpp"

#include <functional>
#include <memory>
#include <mutex>

namespace wabot::app {

class HostHealth final : public plugins::HealthBackend {
 public:
  // The database being reported; null while the store is closed (reported DOWN).
  void set_database(std::shared_ptr<store::Database> database);
  // Where the session counts come from (the session manager); empty while sessions are stopped.
  void set_sessions(std::function<plugins::SessionCounts()> counts);

  plugins::DatabaseHealth database() override;
  plugins::SessionCounts sessions() override;

 private:
  std::mutex mutex_;
  std::shared_ptr<store::Database> database_;
  std::function<plugins::SessionCounts()> session_counts_;
};

}  // namespace wabot::app
