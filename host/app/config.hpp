// SPDX-License-Identifier: GPL-3.0-or-later
// The host's configuration: wabot.yaml parsed and validated into plain structs, with the seeds'
// environment names (PORT, DB_URL, ...) applied on top.
#pragma once

#include "host/plugins/plugin_spec.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace wabot::app {

struct IpRateLimitConfig {
  bool enabled = false;
  int per_minute = 600;
  std::vector<std::string> whitelist;  // exact client IP addresses never limited
};

struct HttpConfig {
  std::string host = "0.0.0.0";
  int port = 3000;
  std::int64_t max_body_bytes = 16 * 1024 * 1024;
  std::string admin_token;  // secret: never logged
  std::vector<std::string> cors_origins;
  IpRateLimitConfig ip_rate_limit;
  int threads = 128;  // started on demand; a send waiting for a rate-limit token holds one
  std::int64_t request_timeout_ms = 120'000;
};

struct AppConfig {
  std::string base_url;
};

struct LogConfig {
  std::string level = "info";
};

struct DatabaseConfig {
  std::string url = "sqlite://data/wabot.db";  // sqlite://REL, sqlite:///ABS, postgres://, postgresql://
  int pool_size = 8;
};

struct MediaConfig {
  std::string temp_dir = "data/tmp";
  std::int64_t max_bytes = 10 * 1024 * 1024;
  bool allow_private_urls = false;
};

struct AiConfig {
  std::string backend_url;
  std::int64_t timeout_ms = 60'000;
};

struct SessionsConfig {
  std::int64_t qr_wait_on_create_ms = 60'000;
  std::int64_t replay_max_age_ms = 600'000;  // inbound messages not dispatched before a crash, replayed
};

struct RateLimitConfig {
  int per_minute = 100;
  int burst = 100;
  int queue_size = 500;
};

struct WhatsappConfig {
  std::string server_url = "wss://web.whatsapp.com/ws/chat";
  // Base64 of WhatsApp's Noise certificate root public key (142375574d0a...ee6b).
  std::string server_root_key = "FCN1V00KWHFmqucevlFkN8Sii3PjaVxs4ff5VF2o7ms=";
  std::string tls_ca_file;
  std::string version = "2.3000.1043857760";
  std::string push_name = "wabot";
};

struct Config {
  HttpConfig http;
  AppConfig app;
  LogConfig log;
  DatabaseConfig database;
  MediaConfig media;
  AiConfig ai;
  SessionsConfig sessions;
  RateLimitConfig rate_limit;
  WhatsappConfig whatsapp;
  plugins::PluginsConfig plugins;  // each spec's config is the plugin's top-level subtree (after env overrides)

  // The host keys plugins may read (the SDK's read-only config service): app.base_url,
  // ai.backend_url, ai.timeout (+ ai.timeout_ms), media.*, rate_limit.*, sessions.qr_wait_on_create
  // (+ _ms). Durations appear both as a unit string ("60s") and as whole milliseconds under "<key>_ms".
  std::map<std::string, std::string> shared_values() const;
};

// Reads an environment variable; nullopt when unset. Tests pass a map instead of the process env.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_env();

struct ConfigResult {
  Config config;
  std::string error;  // empty on success; else ONE line: "config: http.port: must be ..."
  bool ok() const { return error.empty(); }
};

// Parses YAML text (an empty text gives every default), applies the environment overrides and
// validates everything. Never throws.
ConfigResult parse_config(const std::string& yaml_text, const EnvLookup& env);

// Reads the file, then parse_config. A missing or unreadable file is an error naming the path.
ConfigResult load_config_file(const std::string& path, const EnvLookup& env);

}  // namespace wabot::app
