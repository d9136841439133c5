// SPDX-License-Identifier: GPL-3.0-or-later
// wabot.yaml → Config: environment overrides, strict validation, one-line errors naming the key.
#include "host/app/config.hpp"

#include "host/app/duration.hpp"
#include "host/common/log.hpp"
#include "host/store/database_url.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Net/IPAddress.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace wabot::app {
namespace {

// Thrown only inside this file and turned into ConfigResult::error by parse_config.
struct ConfigError {
  std::string message;
};

const std::set<std::string>& host_sections() {
  static const std::set<std::string> names{"http",     "app",        "log",      "database", "media",
                                           "ai",       "sessions",   "rate_limit", "whatsapp", "plugins"};
  return names;
}

// A scalar shown in an error: quoted, control characters dropped, bounded in length.
std::string quoted(const std::string& text) {
  constexpr std::size_t kMaxShown = 60;
  std::string shown;
  log::append_json_escaped(shown, text.size() > kMaxShown ? std::string_view(text).substr(0, kMaxShown) : text);
  return "\"" + shown + (text.size() > kMaxShown ? "...\"" : "\"");
}

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "null";
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  return quoted(node.Scalar());
}

bool is_http_url(const std::string& s) {
  return (s.rfind("http://", 0) == 0 && s.size() > 7) || (s.rfind("https://", 0) == 0 && s.size() > 8);
}

std::string strip_trailing_slashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// Env name → where it lands. Section "ai_forwarder" is a plugin's subtree.
struct EnvOverride {
  const char* env;
  const char* section;
  const char* key;
  bool is_list;
};
constexpr EnvOverride kEnvOverrides[] = {
    {"PORT", "http", "port", false},
    {"APP_BASE_URL", "app", "base_url", false},
    {"AI_BACKEND_URL", "ai", "backend_url", false},
    {"CORS_ORIGINS", "http", "cors_origins", true},
    {"TEMP_DIR", "media", "temp_dir", false},
    {"DB_URL", "database", "url", false},
    {"LOG_LEVEL", "log", "level", false},
    {"DEVELOPER_JID", "ai_forwarder", "developer_jid", false},
};

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ',')) {
    auto b = item.find_first_not_of(" \t");
    auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

class Parser {
 public:
  explicit Parser(const EnvLookup& env) : env_(env) {}

  Config run(YAML::Node root) {
    if (root.IsDefined() && !root.IsNull() && !root.IsMap())
      throw ConfigError{"config: the file must be a mapping of sections, got " + describe(root)};
    if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);

    Config c;
    // plugins first: the other top-level keys are checked against plugins.load.
    parse_plugins(child(root, "plugins"), c.plugins);
    std::set<std::string> plugin_names;
    for (const auto& spec : c.plugins.plugins) plugin_names.insert(spec.name);

    apply_env(root, plugin_names);
    const YAML::Node& croot = root;  // const from here: yaml-cpp's non-const [] inserts keys

    for (const auto& kv : croot) {
      std::string name = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
      if (host_sections().count(name)) continue;
      if (!plugin_names.count(name))
        throw ConfigError{"config: " + (name.empty() ? describe(kv.first) : name) +
                          ": unknown key (not a host section, nor a plugin in plugins.load)"};
      if (kv.second.IsDefined() && !kv.second.IsNull() && !kv.second.IsMap())
        fail(name, "must be a mapping (the plugin's settings), got " + describe(kv.second));
    }

    parse_http(croot["http"], c.http);
    parse_app(croot["app"], c.app);
    parse_log(croot["log"], c.log);
    parse_database(croot["database"], c.database);
    parse_media(croot["media"], c.media);
    parse_ai(croot["ai"], c.ai);
    parse_sessions(croot["sessions"], c.sessions);
    parse_rate_limit(croot["rate_limit"], c.rate_limit);
    parse_whatsapp(croot["whatsapp"], c.whatsapp);

    for (auto& spec : c.plugins.plugins) {
      YAML::Node sub = croot[spec.name];
      spec.config = (sub.IsDefined() && !sub.IsNull()) ? YAML::Clone(sub) : YAML::Node();
    }
    return c;
  }

 private:
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    auto it = env_sources_.find(key);
    std::string label = it == env_sources_.end() ? key : key + " (from " + it->second + ")";
    throw ConfigError{"config: " + label + ": " + problem};
  }

  void apply_env(YAML::Node& root, const std::set<std::string>& plugin_names) {
    for (const auto& o : kEnvOverrides) {
      auto value = env_(o.env);
      if (!value || value->empty()) continue;  // an empty variable means "not set", as in a .env file
      bool is_plugin = !host_sections().count(o.section);
      if (is_plugin && !plugin_names.count(o.section)) continue;  // that plugin is not configured
      const YAML::Node existing = child(root, o.section);
      if (present(existing) && !existing.IsMap()) continue;  // reported by that section's parser
      if (!present(existing)) root[o.section] = YAML::Node(YAML::NodeType::Map);
      YAML::Node section = root[o.section];
      if (o.is_list) {
        YAML::Node list(YAML::NodeType::Sequence);
        for (const auto& item : split_commas(*value)) list.push_back(item);
        section[o.key] = list;
      } else {
        section[o.key] = *value;
      }
      env_sources_[std::string(o.section) + "." + o.key] = o.env;
    }
  }

  // Checks that `node` (the value of `key`) is a mapping or absent, with only `allowed` keys.
  void check_map(const YAML::Node& node, const std::string& key, std::initializer_list<const char*> allowed) const {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsMap()) fail(key, "must be a mapping, got " + describe(node));
    for (const auto& kv : node) {
      std::string name = kv.first.IsScalar() ? kv.first.Scalar() : describe(kv.first);
      bool known = false;
      for (const char* a : allowed) known = known || name == a;
      if (!known) fail(key + "." + name, "unknown key");
    }
  }

  static YAML::Node child(const YAML::Node& node, const char* name) {
    if (!node.IsDefined() || node.IsNull()) return YAML::Node(YAML::NodeType::Undefined);  // "absent", not null
    return node[name];
  }
  static bool present(const YAML::Node& n) { return n.IsDefined() && !n.IsNull(); }

  std::int64_t get_int(const YAML::Node& node, const std::string& key, std::int64_t min, std::int64_t max,
                       std::int64_t fallback) const {
    if (!node.IsDefined()) return fallback;
    std::string problem = "must be an integer " + std::to_string(min) + "-" + std::to_string(max) + ", got ";
    if (!node.IsScalar()) fail(key, problem + describe(node));
    const std::string& s = node.Scalar();
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < min || v > max) fail(key, problem + quoted(s));
    return v;
  }

  bool get_bool(const YAML::Node& node, const std::string& key, bool fallback) const {
    if (!node.IsDefined()) return fallback;
    if (node.IsScalar()) {
      const std::string& s = node.Scalar();
      if (s == "true" || s == "True" || s == "TRUE" || s == "yes" || s == "on") return true;
      if (s == "false" || s == "False" || s == "FALSE" || s == "no" || s == "off") return false;
    }
    fail(key, "must be true or false, got " + describe(node));
  }

  std::string get_string(const YAML::Node& node, const std::string& key, const std::string& fallback) const {
    if (!node.IsDefined()) return fallback;
    if (node.IsNull()) return "";
    if (!node.IsScalar()) fail(key, "must be a string, got " + describe(node));
    constexpr std::size_t kMaxStringBytes = 4096;
    if (node.Scalar().size() > kMaxStringBytes)
      fail(key, "must be at most " + std::to_string(kMaxStringBytes) + " bytes long");
    return node.Scalar();
  }

  std::int64_t get_duration_ms(const YAML::Node& node, const std::string& key, std::int64_t fallback,
                               std::int64_t min_ms = 0) const {
    if (!node.IsDefined()) return fallback;
    std::string problem = "must be a duration (seconds, or a number with ms/s/m/h such as 500ms, 60s, 10m, 24h)";
    if (!node.IsScalar()) fail(key, problem + ", got " + describe(node));
    auto ms = parse_duration_ms(node.Scalar());
    if (!ms) fail(key, problem + ", got " + quoted(node.Scalar()));
    if (*ms < min_ms) fail(key, "must be at least " + format_duration(min_ms) + ", got " + quoted(node.Scalar()));
    return *ms;
  }

  std::vector<std::string> get_string_list(const YAML::Node& node, const std::string& key) const {
    std::vector<std::string> out;
    if (!present(node)) return out;
    if (node.IsScalar()) return split_commas(node.Scalar());  // "a, b" as the env variable spells it
    if (!node.IsSequence()) fail(key, "must be a list of strings, got " + describe(node));
    constexpr std::size_t kMaxItems = 1024;
    if (node.size() > kMaxItems) fail(key, "must have at most " + std::to_string(kMaxItems) + " entries");
    for (std::size_t i = 0; i < node.size(); ++i)
      out.push_back(get_string(node[i], key + "[" + std::to_string(i) + "]", ""));
    return out;
  }

  std::string get_url(const YAML::Node& node, const std::string& key, const std::string& fallback) const {
    std::string url = strip_trailing_slashes(get_string(node, key, fallback));
    if (!url.empty() && !is_http_url(url))
      fail(key, "must be empty or an http:// or https:// URL, got " + quoted(url));
    return url;
  }

  void parse_http(const YAML::Node& n, HttpConfig& h) {
    check_map(n, "http", {"host", "port", "max_body_bytes", "admin_token", "cors_origins", "ip_rate_limit",
                          "threads", "request_timeout"});
    h.host = get_string(child(n, "host"), "http.host", h.host);
    if (h.host.empty() || h.host.find_first_of(" \t/") != std::string::npos)
      fail("http.host", "must be an IP address or host name, got " + quoted(h.host));
    h.port = static_cast<int>(get_int(child(n, "port"), "http.port", 1, 65535, h.port));
    h.max_body_bytes = get_int(child(n, "max_body_bytes"), "http.max_body_bytes", 1, 1LL << 30, h.max_body_bytes);
    h.admin_token = get_string(child(n, "admin_token"), "http.admin_token", h.admin_token);
    h.cors_origins = get_string_list(child(n, "cors_origins"), "http.cors_origins");
    for (std::size_t i = 0; i < h.cors_origins.size(); ++i) {
      std::string& o = h.cors_origins[i];
      o = strip_trailing_slashes(o);  // an Origin header never ends in '/'
      if (o != "*" && !is_http_url(o))
        fail("http.cors_origins[" + std::to_string(i) + "]",
             "must be \"*\" or an origin such as https://app.example, got " + quoted(o));
    }
    YAML::Node ip = child(n, "ip_rate_limit");
    check_map(ip, "http.ip_rate_limit", {"enabled", "per_minute", "whitelist"});
    h.ip_rate_limit.enabled = get_bool(child(ip, "enabled"), "http.ip_rate_limit.enabled", h.ip_rate_limit.enabled);
    h.ip_rate_limit.per_minute = static_cast<int>(
        get_int(child(ip, "per_minute"), "http.ip_rate_limit.per_minute", 1, 1'000'000, h.ip_rate_limit.per_minute));
    h.ip_rate_limit.whitelist = get_string_list(child(ip, "whitelist"), "http.ip_rate_limit.whitelist");
    for (std::size_t i = 0; i < h.ip_rate_limit.whitelist.size(); ++i) {
      Poco::Net::IPAddress parsed;
      if (!Poco::Net::IPAddress::tryParse(h.ip_rate_limit.whitelist[i], parsed))
        fail("http.ip_rate_limit.whitelist[" + std::to_string(i) + "]",
             "must be an IP address, got " + quoted(h.ip_rate_limit.whitelist[i]));
      h.ip_rate_limit.whitelist[i] = parsed.toString();  // canonical spelling, as the server compares it
    }
    h.threads = static_cast<int>(get_int(child(n, "threads"), "http.threads", 1, 1024, h.threads));
    h.request_timeout_ms =
        get_duration_ms(child(n, "request_timeout"), "http.request_timeout", h.request_timeout_ms, 1000);
  }

  void parse_app(const YAML::Node& n, AppConfig& a) {
    check_map(n, "app", {"base_url"});
    a.base_url = get_url(child(n, "base_url"), "app.base_url", a.base_url);
  }

  void parse_log(const YAML::Node& n, LogConfig& l) {
    check_map(n, "log", {"level"});
    l.level = get_string(child(n, "level"), "log.level", l.level);
    log::Level parsed{};
    if (!log::parse_level(l.level, parsed))
      fail("log.level", "must be one of trace, debug, info, warn, error, got " + quoted(l.level));
  }

  void parse_database(const YAML::Node& n, DatabaseConfig& d) {
    check_map(n, "database", {"url", "pool_size"});
    d.url = get_string(child(n, "url"), "database.url", d.url);
    bool ok = false;
    for (const char* scheme : {"sqlite://", "postgres://", "postgresql://"}) {
      std::string s(scheme);
      if (d.url.rfind(s, 0) == 0 && d.url.size() > s.size()) ok = true;
    }
    // Never echo the URL: a postgres URL may carry a password.
    if (!ok)
      fail("database.url", "must start with sqlite:// (sqlite://REL or sqlite:///ABS), postgres:// or postgresql://");
    // The store's own parser decides the rest; its errors never contain the password.
    auto parsed = store::parse_database_url(d.url);
    if (!parsed.ok()) fail("database.url", parsed.error().message);
    d.pool_size = static_cast<int>(get_int(child(n, "pool_size"), "database.pool_size", 1, 1024, d.pool_size));
  }

  void parse_media(const YAML::Node& n, MediaConfig& m) {
    check_map(n, "media", {"temp_dir", "max_bytes", "allow_private_urls"});
    m.temp_dir = get_string(child(n, "temp_dir"), "media.temp_dir", m.temp_dir);
    if (m.temp_dir.empty()) fail("media.temp_dir", "must not be empty");
    m.max_bytes = get_int(child(n, "max_bytes"), "media.max_bytes", 1, 1LL << 30, m.max_bytes);
    m.allow_private_urls = get_bool(child(n, "allow_private_urls"), "media.allow_private_urls", m.allow_private_urls);
  }

  void parse_ai(const YAML::Node& n, AiConfig& a) {
    check_map(n, "ai", {"backend_url", "timeout"});
    a.backend_url = get_url(child(n, "backend_url"), "ai.backend_url", a.backend_url);
    a.timeout_ms = get_duration_ms(child(n, "timeout"), "ai.timeout", a.timeout_ms, 1);
  }

  void parse_sessions(const YAML::Node& n, SessionsConfig& s) {
    check_map(n, "sessions", {"qr_wait_on_create", "replay_max_age"});
    s.qr_wait_on_create_ms =
        get_duration_ms(child(n, "qr_wait_on_create"), "sessions.qr_wait_on_create", s.qr_wait_on_create_ms);
    s.replay_max_age_ms = get_duration_ms(child(n, "replay_max_age"), "sessions.replay_max_age", s.replay_max_age_ms);
  }

  void parse_rate_limit(const YAML::Node& n, RateLimitConfig& r) {
    check_map(n, "rate_limit", {"per_minute", "burst", "queue_size"});
    r.per_minute = static_cast<int>(get_int(child(n, "per_minute"), "rate_limit.per_minute", 1, 100'000, r.per_minute));
    r.burst = static_cast<int>(get_int(child(n, "burst"), "rate_limit.burst", 1, 100'000, r.burst));
    r.queue_size = static_cast<int>(get_int(child(n, "queue_size"), "rate_limit.queue_size", 0, 1'000'000, r.queue_size));
  }

  void parse_whatsapp(const YAML::Node& n, WhatsappConfig& w) {
    check_map(n, "whatsapp", {"server_url", "server_root_key", "tls_ca_file", "version", "push_name"});
    w.server_url = get_string(child(n, "server_url"), "whatsapp.server_url", w.server_url);
    if (!((w.server_url.rfind("wss://", 0) == 0 && w.server_url.size() > 6) ||
          (w.server_url.rfind("ws://", 0) == 0 && w.server_url.size() > 5)))
      fail("whatsapp.server_url", "must be a ws:// or wss:// URL, got " + quoted(w.server_url));
    w.server_root_key = get_string(child(n, "server_root_key"), "whatsapp.server_root_key", w.server_root_key);
    if (decoded_size(w.server_root_key) != 32)
      fail("whatsapp.server_root_key", "must be the base64 of a 32-byte public key");
    w.tls_ca_file = get_string(child(n, "tls_ca_file"), "whatsapp.tls_ca_file", w.tls_ca_file);
    if (!w.tls_ca_file.empty() && !std::ifstream(w.tls_ca_file).good())
      fail("whatsapp.tls_ca_file", "cannot read file " + quoted(w.tls_ca_file));
    w.version = get_string(child(n, "version"), "whatsapp.version", w.version);
    if (!is_version(w.version))
      fail("whatsapp.version", "must be three dot-separated numbers such as 2.3000.1043857760, got " + quoted(w.version));
    w.push_name = get_string(child(n, "push_name"), "whatsapp.push_name", w.push_name);
    if (w.push_name.empty() || w.push_name.size() > 64) fail("whatsapp.push_name", "must be 1-64 bytes long");
  }

  void parse_plugins(const YAML::Node& n, plugins::PluginsConfig& p) {
    check_map(n, "plugins", {"directory", "queue_capacity", "dispatch_threads", "load"});
    p.directory = get_string(child(n, "directory"), "plugins.directory", p.directory);
    p.queue_capacity = static_cast<std::size_t>(
        get_int(child(n, "queue_capacity"), "plugins.queue_capacity", 1, 1'000'000,
                static_cast<std::int64_t>(p.queue_capacity)));
    p.dispatch_threads = static_cast<std::size_t>(get_int(child(n, "dispatch_threads"), "plugins.dispatch_threads", 1,
                                                          64, static_cast<std::int64_t>(p.dispatch_threads)));
    YAML::Node load = child(n, "load");
    if (!load.IsDefined()) {
      for (const char* name : {"rest_api", "ai_forwarder", "metrics", "cleanup"})
        p.plugins.push_back(plugins::PluginSpec{name, "", true, YAML::Node()});
      return;
    }
    if (load.IsNull()) return;  // `load:` with nothing: no plugins
    if (!load.IsSequence()) fail("plugins.load", "must be a list of plugin names or {name, path, enabled}, got " + describe(load));
    std::set<std::string> seen;
    for (std::size_t i = 0; i < load.size() && i < 256; ++i) {
      std::string key = "plugins.load[" + std::to_string(i) + "]";
      YAML::Node entry = load[i];
      plugins::PluginSpec spec;
      if (entry.IsScalar()) {
        spec.name = entry.Scalar();
      } else if (entry.IsMap()) {
        check_map(entry, key, {"name", "path", "enabled"});
        if (!present(child(entry, "name"))) fail(key + ".name", "is required");
        spec.name = get_string(child(entry, "name"), key + ".name", "");
        spec.path = get_string(child(entry, "path"), key + ".path", "");
        spec.enabled = get_bool(child(entry, "enabled"), key + ".enabled", true);
      } else {
        fail(key, "must be a plugin name or {name, path, enabled}, got " + describe(entry));
      }
      if (!is_plugin_name(spec.name))
        fail(key, "plugin name must be 1-64 of [A-Za-z0-9_], got " + quoted(spec.name));
      if (host_sections().count(spec.name)) fail(key, "plugin name " + quoted(spec.name) + " is a host section");
      if (!seen.insert(spec.name).second) fail(key, "plugin " + quoted(spec.name) + " is listed twice");
      p.plugins.push_back(std::move(spec));
    }
    if (load.size() > 256) fail("plugins.load", "must list at most 256 plugins");
  }

  static bool is_plugin_name(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    return true;
  }

  static bool is_version(const std::string& s) {
    int parts = 0;
    std::size_t i = 0;
    while (i <= s.size()) {
      std::size_t j = s.find('.', i);
      if (j == std::string::npos) j = s.size();
      if (j == i || j - i > 12) return false;
      for (std::size_t k = i; k < j; ++k)
        if (!std::isdigit(static_cast<unsigned char>(s[k]))) return false;
      ++parts;
      i = j + 1;
    }
    return parts == 3;
  }

  static std::size_t decoded_size(const std::string& b64) {
    if (b64.empty() || b64.size() > 1024) return 0;
    try {
      std::istringstream in(b64);
      Poco::Base64Decoder decoder(in);
      std::string out((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
      return out.size();
    } catch (...) {
      return 0;  // not base64
    }
  }

  const EnvLookup& env_;
  std::map<std::string, std::string> env_sources_;  // "http.port" → "PORT"
};

}  // namespace

std::map<std::string, std::string> Config::shared_values() const {
  return {
      {"app.base_url", app.base_url},
      {"ai.backend_url", ai.backend_url},
      {"ai.timeout", format_duration(ai.timeout_ms)},
      {"ai.timeout_ms", std::to_string(ai.timeout_ms)},
      {"media.temp_dir", media.temp_dir},
      {"media.max_bytes", std::to_string(media.max_bytes)},
      {"media.allow_private_urls", media.allow_private_urls ? "true" : "false"},
      {"rate_limit.per_minute", std::to_string(rate_limit.per_minute)},
      {"rate_limit.burst", std::to_string(rate_limit.burst)},
      {"rate_limit.queue_size", std::to_string(rate_limit.queue_size)},
      {"sessions.qr_wait_on_create", format_duration(sessions.qr_wait_on_create_ms)},
      {"sessions.qr_wait_on_create_ms", std::to_string(sessions.qr_wait_on_create_ms)},
      {"sessions.replay_max_age", format_duration(sessions.replay_max_age_ms)},
  };
}

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

ConfigResult parse_config(const std::string& yaml_text, const EnvLookup& env) {
  ConfigResult result;
  try {
    YAML::Node root = YAML::Load(yaml_text);
    result.config = Parser(env).run(root);
  } catch (const ConfigError& e) {
    result.error = e.message;
  } catch (const YAML::Exception& e) {
    result.error = "config: YAML syntax error at line " + std::to_string(e.mark.line + 1) + ", column " +
                   std::to_string(e.mark.column + 1) + ": " + e.msg;
  } catch (const std::exception& e) {
    result.error = std::string("config: ") + e.what();
  }
  // One line, whatever a library put in its message.
  for (char& ch : result.error)
    if (ch == '\n' || ch == '\r') ch = ' ';
  return result;
}

ConfigResult load_config_file(const std::string& path, const EnvLookup& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ConfigResult r;
    r.error = "config: cannot read " + quoted(path) + ": no such file or not readable";
    return r;
  }
  constexpr std::streamsize kMaxConfigBytes = 4 << 20;  // a config file is small; refuse anything huge
  std::string text;
  text.resize(kMaxConfigBytes + 1);
  in.read(text.data(), kMaxConfigBytes + 1);
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (static_cast<std::streamsize>(text.size()) > kMaxConfigBytes) {
    ConfigResult r;
    r.error = "config: " + quoted(path) + " is larger than 4 MiB";
    return r;
  }
  return parse_config(text, env);
}

}  // namespace wabot::app
