// SPDX-License-Identifier: GPL-3.0-or-later
// The running host: the components of one wabot process, started in order (store, HTTP server,
// sessions, plugins) and stopped in reverse.
#pragma once

#include "host/app/component_stack.hpp"
#include "host/app/config.hpp"
#include "host/app/host_health.hpp"
#include "host/app/host_store.hpp"
#include "host/http/http_server.hpp"
#include "host/http/router.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/plugins/router_registry.hpp"
#include "host/sessions/session_manager.hpp"
#include "host/store/database.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace wabot::app {

// The HTTP server's options from the config. admin_path_prefixes is {"/sessions"} (docs/api.md).
http::ServerOptions server_options(const Config& config);

class Host {
 public:
  // executable: used to find the default plugin directory.
  Host(Config config, std::string executable);
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  // Starts every component; on a failure stops what had started and returns the error line.
  std::string start();
  // Stops in reverse start order. Idempotent.
  void stop();

  const Config& config() const { return config_; }
  std::shared_ptr<http::Router> router() const { return router_; }
  std::uint16_t http_port() const;  // the bound port once started
  // The open, migrated database between start and stop; null otherwise.
  std::shared_ptr<store::Database> database() const { return database_; }
  // The plugin manager between start and stop; null otherwise.
  plugins::PluginManager* plugin_manager() const { return plugin_manager_.get(); }
  // The session manager between start and stop; null otherwise.
  sessions::SessionManager* session_manager() const { return sessions_.get(); }

 private:
  std::string open_store();
  std::string start_sessions();
  void stop_sessions();
  std::string start_plugins();
  void stop_plugins();

  Config config_;
  std::string executable_;
  std::shared_ptr<http::Router> router_;
  std::shared_ptr<store::Database> database_;
  HostHealth health_;
  std::unique_ptr<HostStore> host_store_;  // the SDK store service's backend, while the store is open
  // Before the plugin manager: plugins hold its address as their sessions/messaging backend, so it
  // must outlive them (members die in reverse order).
  std::unique_ptr<sessions::SessionManager> sessions_;
  std::unique_ptr<plugins::RouterRegistry> route_registry_;
  std::unique_ptr<plugins::PluginManager> plugin_manager_;
  std::shared_ptr<http::HttpServer> http_server_;
  ComponentStack components_;
};

}  // namespace wabot::app
