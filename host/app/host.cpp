// SPDX-License-Identifier: GPL-3.0-or-later
// Start order and wiring of the host's components.
#include "host/app/host.hpp"

#include "host/app/paths.hpp"
#include "host/common/log.hpp"
#include "host/store/schema.hpp"

#ifndef WABOT_VERSION
#define WABOT_VERSION "0.0.0"
#endif

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
        health_.set_database(nullptr);
        if (host_store_) host_store_->close();
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

  // 3. Sessions: one client per agent, resumed from the store. Stopped after the plugins (reverse
  // order), so no plugin sends through a closed client.
  error = components_.start(std::make_unique<FunctionComponent>(
      "sessions", [this] { return start_sessions(); }, [this] { stop_sessions(); }));
  if (!error.empty()) {
    components_.stop_all();
    return error;
  }

  // 4. Plugins: loaded in config order; each adds its routes and subscriptions. A refused or failing
  // plugin is logged by the plugin layer and the host carries on.
  error = components_.start(std::make_unique<FunctionComponent>(
      "plugins", [this] { return start_plugins(); }, [this] { stop_plugins(); }));
  if (!error.empty()) {
    components_.stop_all();
    return error;
  }

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
  health_.set_database(database_);
  host_store_ = std::make_unique<HostStore>(database_);
  return "";
}

namespace {
plugins::HostBackends host_backends(const Config& config, plugins::RouteRegistry* routes,
                                    plugins::HealthBackend* health, plugins::StoreBackend* store,
                                    sessions::SessionManager* sessions) {
  plugins::HostBackends backends;
  backends.routes = routes;
  backends.health = health;
  backends.store = store;
  backends.sessions = sessions;
  backends.messaging = sessions;
  for (auto& [key, value] : config.shared_values()) backends.shared_config.emplace(key, value);
  backends.host_version = WABOT_VERSION;
  return backends;
}
}  // namespace

std::string Host::start_sessions() {
  sessions::SessionManagerOptions options;
  options.engine.server_url = config_.whatsapp.server_url;
  options.engine.server_root_key = config_.whatsapp.server_root_key;
  options.engine.tls_ca_file = config_.whatsapp.tls_ca_file;
  options.engine.version = config_.whatsapp.version;
  options.engine.push_name = config_.whatsapp.push_name;
  options.ai_backend_url = config_.ai.backend_url;
  options.qr_wait_on_create_ms = config_.sessions.qr_wait_on_create_ms;
  options.replay_max_age_ms = config_.sessions.replay_max_age_ms;
  options.rate_limit.per_minute = config_.rate_limit.per_minute;
  options.rate_limit.burst = config_.rate_limit.burst;
  options.rate_limit.queue_size = static_cast<std::size_t>(config_.rate_limit.queue_size);
  std::string error;
  sessions_ = sessions::SessionManager::create(database_, std::move(options), error);
  if (!sessions_) return error;
  std::size_t resumed = 0;
  error = sessions_->resume_all(resumed);
  if (!error.empty()) return error;
  sessions::SessionManager* manager = sessions_.get();
  health_.set_sessions([manager] { return manager->counts(); });
  return "";
}

void Host::stop_sessions() {
  health_.set_sessions(nullptr);
  // Kept until the Host dies: the plugin manager's backends still point at it.
  if (sessions_) sessions_->shutdown();
}

std::string Host::start_plugins() {
  route_registry_ = std::make_unique<plugins::RouterRegistry>(*router_);
  plugin_manager_ =
      std::make_unique<plugins::PluginManager>(config_.plugins, host_backends(config_, route_registry_.get(), &health_, host_store_.get(), sessions_.get()));
  if (sessions_) {
    plugins::PluginManager* manager = plugin_manager_.get();
    sessions_->set_event_sink([manager](const plugins::PluginEvent& event) { manager->publish(event); });
  }
  std::size_t loaded = plugin_manager_->load_all();
  plugin_manager_->start_all();
  log::info("plugins started", {{"loaded", std::to_string(loaded)},
                                {"refused", std::to_string(plugin_manager_->refusals().size())},
                                {"routes", std::to_string(router_->routes().size())}});
  return "";
}

void Host::stop_plugins() {
  if (!plugin_manager_) return;
  plugin_manager_->stop_all();
  // The manager is kept until the Host dies: plugin libraries are never unloaded while route
  // handlers they registered may still be referenced by the router.
}

std::uint16_t Host::http_port() const { return http_server_ ? http_server_->port() : 0; }

}  // namespace wabot::app
