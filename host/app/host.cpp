// SPDX-License-Identifier: GPL-3.0-or-later
// Start order and wiring of the host's components.
#include "host/app/host.hpp"

#include "host/app/paths.hpp"
#include "host/common/log.hpp"
#include "host/store/schema.hpp"

namespace wabot::app {

http::ServerOptions server_options(const Config& config) {
  http::ServerOptions o;
  o.host = config.http.host;
  o.port = config.http.port;
  o.max_body_bytes = config.http.max_body_bytes;
  o.threads = config.http.threads;
  o.request_timeout_ms = config.http.request_timeout_ms;
  o.cors_origins = config.http.cors_origins;
  o.ip_rate_limit_enabled = config.http.ip_rate_limit.enabled;
  o.ip_rate_limit_per_minute = config.http.ip_rate_limit.per_minute;
  o.ip_rate_limit_whitelist = config.http.ip_rate_limit.whitelist;
  o.admin_token = config.http.admin_token;
  o.admin_path_prefixes = {"/sessions"};
  return o;
}

Host::Host(Config config, std::string executable)
    : config_(std::move(config)), executable_(std::move(executable)), router_(std::make_shared<http::Router>()) {
  config_.plugins.directory = resolve_plugin_directory(config_.plugins.directory, executable_);
}

Host::~Host() { stop(); }

std::string Host::start() {
  log::info("wabot starting", {{"http_port", std::to_string(config_.http.port)},
                               {"plugins", std::to_string(config_.plugins.plugins.size())},
                               {"plugin_dir", config_.plugins.directory}});

  // 1. Store: opened and migrated before anything can serve a request.
  std::string error = components_.start(std::make_unique<FunctionComponent>(
      "store", [this] { return open_store(); },
      [this] {
        database_.reset();  // closes the connections (SQLite file, PostgreSQL pool)
      }));
  if (!error.empty()) {
    components_.stop_all();
    return error;
  }

  // 2. HTTP server: routes are added later by plugins (the router is thread-safe).
  http_server_ = std::make_shared<http::HttpServer>(server_options(config_), router_);
  auto server = http_server_;
  error = components_.start(std::make_unique<FunctionComponent>(
      "http", [server] { return server->start(); }, [server] { server->stop(); }));
  if (!error.empty()) {
    components_.stop_all();
    return error;
  }

  // 3. Sessions: one client per agent, resumed from the store.
  // INTEGRATION(sessions): start the session manager here, after the store and the HTTP server.

  // 4. Plugins: loaded in config order; each adds its routes and subscriptions.
  // INTEGRATION(plugins): start the plugin host with config_.plugins and config_.shared_values() here.

  log::info("wabot started", {{"http_port", std::to_string(http_port())}});
  return "";
}

void Host::stop() { components_.stop_all(); }

std::string Host::open_store() {
  store::DatabaseOptions options;
  options.postgres_pool_max_sessions = config_.database.pool_size;
  auto opened = store::Database::open(config_.database.url, options);
  if (!opened.ok()) return opened.error().message;  // the store's messages never carry the password
  std::shared_ptr<store::Database> database = std::move(opened.value());
  auto migrated = store::migrate(*database);
  if (!migrated.ok()) return migrated.error().message;
  log::info("database ready", {{"url", database->redacted_url()},
                               {"schema_version", std::to_string(migrated->current_version)},
                               {"migrations_applied", std::to_string(migrated->applied.size())}});
  database_ = std::move(database);
  return "";
}

std::uint16_t Host::http_port() const { return http_server_ ? http_server_->port() : 0; }

}  // namespace wabot::app
