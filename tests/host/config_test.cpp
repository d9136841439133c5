// SPDX-License-Identifier: GPL-3.0-or-later
// Config parsing: defaults, the shipped wabot.yaml, every environment override, durations, plugin
// specs, and the one-line error for each kind of bad input.
#include "host/app/config.hpp"
#include "host/app/duration.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

using namespace wabot::app;

namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

ConfigResult parse(const std::string& text, std::map<std::string, std::string> env = {}) {
  return parse_config(text, env_of(std::move(env)));
}

std::string error_of(const std::string& text, std::map<std::string, std::string> env = {}) {
  ConfigResult r = parse(text, std::move(env));
  CPPUNIT_ASSERT_MESSAGE("expected an error for: " + text, !r.ok());
  CPPUNIT_ASSERT_MESSAGE("error must be one line: " + r.error, r.error.find('\n') == std::string::npos);
  return r.error;
}

const wabot::plugins::PluginSpec* spec_named(const Config& c, const std::string& name) {
  for (const auto& s : c.plugins.plugins)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace

class ConfigTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ConfigTest);
  CPPUNIT_TEST(empty_file_gives_every_default);
  CPPUNIT_TEST(shipped_wabot_yaml_is_valid_and_matches_the_defaults);
  CPPUNIT_TEST(shipped_examples_are_valid);
  CPPUNIT_TEST(file_values_are_read);
  CPPUNIT_TEST(every_seed_environment_name_overrides_its_key);
  CPPUNIT_TEST(empty_environment_variable_counts_as_unset);
  CPPUNIT_TEST(developer_jid_is_ignored_when_ai_forwarder_is_not_loaded);
  CPPUNIT_TEST(bad_port_gives_the_documented_one_line_message);
  CPPUNIT_TEST(bad_port_from_environment_names_the_variable);
  CPPUNIT_TEST(bad_values_name_their_key);
  CPPUNIT_TEST(database_url_error_never_echoes_the_url);
  CPPUNIT_TEST(unknown_host_keys_are_errors);
  CPPUNIT_TEST(unknown_top_level_key_is_an_error_unless_it_is_a_loaded_plugin);
  CPPUNIT_TEST(plugin_subtree_is_handed_to_its_spec);
  CPPUNIT_TEST(plugin_load_entries_accept_names_and_mappings);
  CPPUNIT_TEST(plugin_load_refuses_duplicates_and_bad_names);
  CPPUNIT_TEST(durations_accept_seconds_and_units);
  CPPUNIT_TEST(config_durations_are_parsed);
  CPPUNIT_TEST(yaml_syntax_error_is_one_line_with_position);
  CPPUNIT_TEST(missing_file_is_an_error_naming_the_path);
  CPPUNIT_TEST(shared_values_expose_the_documented_keys);
  CPPUNIT_TEST_SUITE_END();

 public:
  void empty_file_gives_every_default() {
    ConfigResult r = parse("");
    CPPUNIT_ASSERT_MESSAGE(r.error, r.ok());
    const Config& c = r.config;
    CPPUNIT_ASSERT_EQUAL(std::string("0.0.0.0"), c.http.host);
    CPPUNIT_ASSERT_EQUAL(3000, c.http.port);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{16777216}, c.http.max_body_bytes);
    CPPUNIT_ASSERT(c.http.admin_token.empty());
    CPPUNIT_ASSERT(c.http.cors_origins.empty());
    CPPUNIT_ASSERT(!c.http.ip_rate_limit.enabled);
    CPPUNIT_ASSERT_EQUAL(600, c.http.ip_rate_limit.per_minute);
    CPPUNIT_ASSERT_EQUAL(128, c.http.threads);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{120000}, c.http.request_timeout_ms);
    CPPUNIT_ASSERT_EQUAL(std::string(""), c.app.base_url);
    CPPUNIT_ASSERT_EQUAL(std::string("info"), c.log.level);
    CPPUNIT_ASSERT_EQUAL(std::string("sqlite://data/wabot.db"), c.database.url);
    CPPUNIT_ASSERT_EQUAL(8, c.database.pool_size);
    CPPUNIT_ASSERT_EQUAL(std::string("data/tmp"), c.media.temp_dir);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{10485760}, c.media.max_bytes);
    CPPUNIT_ASSERT(!c.media.allow_private_urls);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{60000}, c.ai.timeout_ms);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{60000}, c.sessions.qr_wait_on_create_ms);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{600000}, c.sessions.replay_max_age_ms);
    CPPUNIT_ASSERT_EQUAL(100, c.rate_limit.per_minute);
    CPPUNIT_ASSERT_EQUAL(100, c.rate_limit.burst);
    CPPUNIT_ASSERT_EQUAL(500, c.rate_limit.queue_size);
    CPPUNIT_ASSERT_EQUAL(std::string("wss://web.whatsapp.com/ws/chat"), c.whatsapp.server_url);
    CPPUNIT_ASSERT_EQUAL(std::string("FCN1V00KWHFmqucevlFkN8Sii3PjaVxs4ff5VF2o7ms="), c.whatsapp.server_root_key);
    CPPUNIT_ASSERT_EQUAL(std::string("2.3000.1043857760"), c.whatsapp.version);
    CPPUNIT_ASSERT_EQUAL(std::string("wabot"), c.whatsapp.push_name);
    CPPUNIT_ASSERT_EQUAL(std::string(""), c.plugins.directory);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1024}, c.plugins.queue_capacity);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, c.plugins.dispatch_threads);
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, c.plugins.plugins.size());
    const char* names[] = {"rest_api", "ai_forwarder", "metrics", "cleanup"};
    for (std::size_t i = 0; i < 4; ++i) {
      CPPUNIT_ASSERT_EQUAL(std::string(names[i]), c.plugins.plugins[i].name);
      CPPUNIT_ASSERT(c.plugins.plugins[i].enabled);
      CPPUNIT_ASSERT(c.plugins.plugins[i].path.empty());
    }
  }

  void shipped_wabot_yaml_is_valid_and_matches_the_defaults() {
    const char* source = std::getenv("WABOT_SOURCE_DIR");
    CPPUNIT_ASSERT(source);
    ConfigResult file = load_config_file(std::string(source) + "/config/wabot.yaml", env_of({}));
    CPPUNIT_ASSERT_MESSAGE(file.error, file.ok());
    ConfigResult defaults = parse("");
    CPPUNIT_ASSERT(file.config.shared_values() == defaults.config.shared_values());
    CPPUNIT_ASSERT_EQUAL(defaults.config.http.port, file.config.http.port);
    CPPUNIT_ASSERT_EQUAL(defaults.config.http.request_timeout_ms, file.config.http.request_timeout_ms);
    CPPUNIT_ASSERT_EQUAL(defaults.config.database.url, file.config.database.url);
    CPPUNIT_ASSERT_EQUAL(defaults.config.whatsapp.server_root_key, file.config.whatsapp.server_root_key);
    CPPUNIT_ASSERT_EQUAL(defaults.config.plugins.plugins.size(), file.config.plugins.plugins.size());
    const auto* ai = spec_named(file.config, "ai_forwarder");
    CPPUNIT_ASSERT(ai && ai->config["max_age"].as<std::string>() == "10m");
  }

  void shipped_examples_are_valid() {
    const std::string source = std::getenv("WABOT_SOURCE_DIR");
    ConfigResult sqlite = load_config_file(source + "/config/examples/sqlite.yaml", env_of({}));
    CPPUNIT_ASSERT_MESSAGE(sqlite.error, sqlite.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("sqlite:///var/lib/wabot/wabot.db"), sqlite.config.database.url);
    ConfigResult pg = load_config_file(source + "/config/examples/postgres.yaml", env_of({}));
    CPPUNIT_ASSERT_MESSAGE(pg.error, pg.ok());
    CPPUNIT_ASSERT_EQUAL(16, pg.config.database.pool_size);
    CPPUNIT_ASSERT(pg.config.http.ip_rate_limit.enabled);
  }

  void file_values_are_read() {
    ConfigResult r = parse(
        "http: {host: 127.0.0.1, port: 8080, max_body_bytes: 1024, admin_token: s3cret, cors_origins: "
        "['https://a.example/', 'http://b.example'], ip_rate_limit: {enabled: true, per_minute: 5, whitelist: "
        "[10.0.0.1]}, threads: 2, request_timeout: 5s}\n"
        "app: {base_url: 'https://bot.example/'}\n"
        "log: {level: debug}\n"
        "database: {url: 'postgres://u@h/db', pool_size: 3}\n"
        "media: {temp_dir: /tmp/x, max_bytes: 99, allow_private_urls: true}\n"
        "ai: {backend_url: 'http://ai:8000', timeout: 2m}\n"
        "sessions: {qr_wait_on_create: 500ms, replay_max_age: 2m}\n"
        "rate_limit: {per_minute: 10, burst: 20, queue_size: 0}\n"
        "whatsapp: {server_url: 'ws://127.0.0.1:9000/ws', version: 1.2.3, push_name: bot}\n"
        "plugins: {directory: /opt/p, queue_capacity: 7, dispatch_threads: 3, load: [metrics]}\n");
    CPPUNIT_ASSERT_MESSAGE(r.error, r.ok());
    const Config& c = r.config;
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), c.http.host);
    CPPUNIT_ASSERT_EQUAL(8080, c.http.port);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1024}, c.http.max_body_bytes);
    CPPUNIT_ASSERT_EQUAL(std::string("s3cret"), c.http.admin_token);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, c.http.cors_origins.size());
    CPPUNIT_ASSERT_EQUAL(std::string("https://a.example"), c.http.cors_origins[0]);  // trailing '/' dropped
    CPPUNIT_ASSERT(c.http.ip_rate_limit.enabled);
    CPPUNIT_ASSERT_EQUAL(5, c.http.ip_rate_limit.per_minute);
    CPPUNIT_ASSERT_EQUAL(std::string("10.0.0.1"), c.http.ip_rate_limit.whitelist.at(0));
    CPPUNIT_ASSERT_EQUAL(2, c.http.threads);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{5000}, c.http.request_timeout_ms);
    CPPUNIT_ASSERT_EQUAL(std::string("https://bot.example"), c.app.base_url);
    CPPUNIT_ASSERT_EQUAL(std::string("debug"), c.log.level);
    CPPUNIT_ASSERT_EQUAL(std::string("postgres://u@h/db"), c.database.url);
    CPPUNIT_ASSERT_EQUAL(3, c.database.pool_size);
    CPPUNIT_ASSERT_EQUAL(std::string("/tmp/x"), c.media.temp_dir);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{99}, c.media.max_bytes);
    CPPUNIT_ASSERT(c.media.allow_private_urls);
    CPPUNIT_ASSERT_EQUAL(std::string("http://ai:8000"), c.ai.backend_url);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{120000}, c.ai.timeout_ms);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{500}, c.sessions.qr_wait_on_create_ms);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{120000}, c.sessions.replay_max_age_ms);
    CPPUNIT_ASSERT_EQUAL(10, c.rate_limit.per_minute);
    CPPUNIT_ASSERT_EQUAL(20, c.rate_limit.burst);
    CPPUNIT_ASSERT_EQUAL(0, c.rate_limit.queue_size);
    CPPUNIT_ASSERT_EQUAL(std::string("ws://127.0.0.1:9000/ws"), c.whatsapp.server_url);
    CPPUNIT_ASSERT_EQUAL(std::string("1.2.3"), c.whatsapp.version);
    CPPUNIT_ASSERT_EQUAL(std::string("/opt/p"), c.plugins.directory);
    CPPUNIT_ASSERT_EQUAL(std::size_t{7}, c.plugins.queue_capacity);
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, c.plugins.dispatch_threads);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, c.plugins.plugins.size());
  }

  void every_seed_environment_name_overrides_its_key() {
    ConfigResult r = parse("http: {port: 1234, cors_origins: [https://x.example]}\nai_forwarder: {developer_jid: '1@s.whatsapp.net'}\n",
                           {{"PORT", "4321"},
                            {"APP_BASE_URL", "https://public.example"},
                            {"AI_BACKEND_URL", "http://ai.internal:9000/"},
                            {"CORS_ORIGINS", "https://a.example, https://b.example"},
                            {"TEMP_DIR", "/var/tmp/wabot"},
                            {"DB_URL", "postgresql://wabot:pw@db:5432/wabot"},
                            {"LOG_LEVEL", "warn"},
                            {"DEVELOPER_JID", "6281234567890@s.whatsapp.net"}});
    CPPUNIT_ASSERT_MESSAGE(r.error, r.ok());
    const Config& c = r.config;
    CPPUNIT_ASSERT_EQUAL(4321, c.http.port);
    CPPUNIT_ASSERT_EQUAL(std::string("https://public.example"), c.app.base_url);
    CPPUNIT_ASSERT_EQUAL(std::string("http://ai.internal:9000"), c.ai.backend_url);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, c.http.cors_origins.size());
    CPPUNIT_ASSERT_EQUAL(std::string("https://a.example"), c.http.cors_origins[0]);
    CPPUNIT_ASSERT_EQUAL(std::string("https://b.example"), c.http.cors_origins[1]);
    CPPUNIT_ASSERT_EQUAL(std::string("/var/tmp/wabot"), c.media.temp_dir);
    CPPUNIT_ASSERT_EQUAL(std::string("postgresql://wabot:pw@db:5432/wabot"), c.database.url);
    CPPUNIT_ASSERT_EQUAL(std::string("warn"), c.log.level);
    const auto* ai = spec_named(c, "ai_forwarder");
    CPPUNIT_ASSERT(ai);
    CPPUNIT_ASSERT_EQUAL(std::string("6281234567890@s.whatsapp.net"), ai->config["developer_jid"].as<std::string>());
    // sqlite:///ABS is accepted from the environment too
    ConfigResult s = parse("", {{"DB_URL", "sqlite:///var/lib/wabot/wabot.db"}});
    CPPUNIT_ASSERT_MESSAGE(s.error, s.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("sqlite:///var/lib/wabot/wabot.db"), s.config.database.url);
  }

  void empty_environment_variable_counts_as_unset() {
    ConfigResult r = parse("http: {port: 1234}\n", {{"PORT", ""}, {"CORS_ORIGINS", ""}});
    CPPUNIT_ASSERT_MESSAGE(r.error, r.ok());
    CPPUNIT_ASSERT_EQUAL(1234, r.config.http.port);
    CPPUNIT_ASSERT(r.config.http.cors_origins.empty());
  }

  void developer_jid_is_ignored_when_ai_forwarder_is_not_loaded() {
    ConfigResult r = parse("plugins: {load: [metrics]}\n", {{"DEVELOPER_JID", "1@s.whatsapp.net"}});
    CPPUNIT_ASSERT_MESSAGE(r.error, r.ok());
    CPPUNIT_ASSERT(spec_named(r.config, "ai_forwarder") == nullptr);
  }

  void bad_port_gives_the_documented_one_line_message() {
    CPPUNIT_ASSERT_EQUAL(std::string("config: http.port: must be an integer 1-65535, got \"abc\""),
                         error_of("http:\n  port: abc\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("config: http.port: must be an integer 1-65535, got \"0\""),
                         error_of("http: {port: 0}"));
    CPPUNIT_ASSERT_EQUAL(std::string("config: http.port: must be an integer 1-65535, got \"65536\""),
                         error_of("http: {port: 65536}"));
    CPPUNIT_ASSERT_EQUAL(std::string("config: http.port: must be an integer 1-65535, got a list"),
                         error_of("http: {port: [1]}"));
  }

  void bad_port_from_environment_names_the_variable() {
    CPPUNIT_ASSERT_EQUAL(std::string("config: http.port (from PORT): must be an integer 1-65535, got \"80x\""),
                         error_of("", {{"PORT", "80x"}}));
    CPPUNIT_ASSERT(error_of("", {{"LOG_LEVEL", "loud"}}).find("log.level (from LOG_LEVEL)") != std::string::npos);
    CPPUNIT_ASSERT(error_of("", {{"AI_BACKEND_URL", "ftp://x"}}).find("ai.backend_url (from AI_BACKEND_URL)") !=
                   std::string::npos);
  }

  void bad_values_name_their_key() {
    struct Case {
      const char* yaml;
      const char* prefix;
    } cases[] = {
        {"http: {max_body_bytes: -1}", "config: http.max_body_bytes: must be an integer"},
        {"http: {threads: 0}", "config: http.threads: must be an integer 1-1024"},
        {"http: {request_timeout: soon}", "config: http.request_timeout: must be a duration"},
        {"http: {request_timeout: 10ms}", "config: http.request_timeout: must be at least 1s"},
        {"http: {cors_origins: [example.com]}", "config: http.cors_origins[0]: must be \"*\" or an origin"},
        {"http: {ip_rate_limit: {enabled: maybe}}", "config: http.ip_rate_limit.enabled: must be true or false, got \"maybe\""},
        {"http: {ip_rate_limit: {whitelist: [not-an-ip]}}", "config: http.ip_rate_limit.whitelist[0]: must be an IP address"},
        {"http: {host: ''}", "config: http.host: must be an IP address or host name"},
        {"http: [1, 2]", "config: http: must be a mapping, got a list"},
        {"app: {base_url: ftp://x}", "config: app.base_url: must be empty or an http:// or https:// URL"},
        {"log: {level: loud}", "config: log.level: must be one of trace, debug, info, warn, error, got \"loud\""},
        {"database: {pool_size: 0}", "config: database.pool_size: must be an integer 1-1024"},
        {"media: {temp_dir: ''}", "config: media.temp_dir: must not be empty"},
        {"media: {allow_private_urls: 2}", "config: media.allow_private_urls: must be true or false"},
        {"ai: {timeout: 0}", "config: ai.timeout: must be at least 1ms"},
        {"sessions: {qr_wait_on_create: -5s}", "config: sessions.qr_wait_on_create: must be a duration"},
        {"rate_limit: {burst: 1.5}", "config: rate_limit.burst: must be an integer"},
        {"whatsapp: {server_url: 'https://x'}", "config: whatsapp.server_url: must be a ws:// or wss:// URL"},
        {"whatsapp: {server_root_key: 'AAAA'}", "config: whatsapp.server_root_key: must be the base64 of a 32-byte public key"},
        {"whatsapp: {tls_ca_file: /nonexistent/ca.pem}", "config: whatsapp.tls_ca_file: cannot read file"},
        {"whatsapp: {version: '2.3000'}", "config: whatsapp.version: must be three dot-separated numbers"},
        {"plugins: {queue_capacity: 0}", "config: plugins.queue_capacity: must be an integer 1-1000000"},
        {"plugins: {dispatch_threads: 65}", "config: plugins.dispatch_threads: must be an integer 1-64"},
        {"- a\n- b\n", "config: the file must be a mapping of sections, got a list"},
    };
    for (const auto& c : cases) {
      std::string error = error_of(c.yaml);
      CPPUNIT_ASSERT_MESSAGE(std::string(c.yaml) + " gave: " + error, error.rfind(c.prefix, 0) == 0);
    }
  }

  void database_url_error_never_echoes_the_url() {
    std::string error = error_of("database: {url: 'mysql://root:hunter2@db/x'}");
    CPPUNIT_ASSERT(error.rfind("config: database.url: must start with sqlite://", 0) == 0);
    CPPUNIT_ASSERT(error.find("hunter2") == std::string::npos);
    error_of("database: {url: 'sqlite://'}");
    // the store's URL parser judges the rest, and keeps passwords out of its messages too
    std::string port_error = error_of("database: {url: 'postgres://u:hunter2@db:abc/wabot'}");
    CPPUNIT_ASSERT_EQUAL(std::string("config: database.url: invalid database URL: the port must be a number"), port_error);
    CPPUNIT_ASSERT(error_of("database: {url: 'sqlite:///'}").rfind("config: database.url: invalid database URL: ", 0) == 0);
  }

  void unknown_host_keys_are_errors() {
    CPPUNIT_ASSERT_EQUAL(std::string("config: http.bogus: unknown key"), error_of("http: {port: 1, bogus: 2}"));
    CPPUNIT_ASSERT_EQUAL(std::string("config: http.ip_rate_limit.burst: unknown key"),
                         error_of("http: {ip_rate_limit: {burst: 2}}"));
    CPPUNIT_ASSERT_EQUAL(std::string("config: whatsapp.proxy: unknown key"), error_of("whatsapp: {proxy: x}"));
  }

  void unknown_top_level_key_is_an_error_unless_it_is_a_loaded_plugin() {
    CPPUNIT_ASSERT_EQUAL(std::string("config: htttp: unknown key (not a host section, nor a plugin in plugins.load)"),
                         error_of("htttp: {port: 1}"));
    // metrics is a plugin, but not loaded here
    CPPUNIT_ASSERT(error_of("plugins: {load: [rest_api]}\nmetrics: {per_agent_labels: true}").rfind(
                       "config: metrics: unknown key", 0) == 0);
    CPPUNIT_ASSERT(parse("plugins: {load: [my_handler]}\nmy_handler: {anything: [1, 2]}").ok());
    CPPUNIT_ASSERT_EQUAL(std::string("config: my_handler: must be a mapping (the plugin's settings), got \"5\""),
                         error_of("plugins: {load: [my_handler]}\nmy_handler: 5"));
  }

  void plugin_subtree_is_handed_to_its_spec() {
    ConfigResult r = parse("cleanup: {interval: 5m, max_age: 1h, extra: kept}\n");
    CPPUNIT_ASSERT_MESSAGE(r.error, r.ok());
    const auto* cleanup = spec_named(r.config, "cleanup");
    CPPUNIT_ASSERT(cleanup && cleanup->config.IsMap());
    CPPUNIT_ASSERT_EQUAL(std::string("5m"), cleanup->config["interval"].as<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::string("kept"), cleanup->config["extra"].as<std::string>());  // the plugin judges its keys
    const auto* metrics = spec_named(r.config, "metrics");
    CPPUNIT_ASSERT(metrics && metrics->config.IsNull());  // absent subtree: null, the plugin's defaults apply
  }

  void plugin_load_entries_accept_names_and_mappings() {
    ConfigResult r = parse(
        "plugins:\n  directory: /opt/wabot/plugins\n  load:\n    - rest_api\n"
        "    - {name: echo, path: /srv/echo.so}\n    - {name: metrics, enabled: false}\n");
    CPPUNIT_ASSERT_MESSAGE(r.error, r.ok());
    const auto& p = r.config.plugins.plugins;
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, p.size());
    CPPUNIT_ASSERT_EQUAL(std::string("rest_api"), p[0].name);
    CPPUNIT_ASSERT_EQUAL(std::string("echo"), p[1].name);
    CPPUNIT_ASSERT_EQUAL(std::string("/srv/echo.so"), p[1].path);
    CPPUNIT_ASSERT(p[1].enabled);
    CPPUNIT_ASSERT(!p[2].enabled);
    CPPUNIT_ASSERT(parse("plugins: {load: []}").config.plugins.plugins.empty());
    CPPUNIT_ASSERT(parse("plugins: {load: }").config.plugins.plugins.empty());
  }

  void plugin_load_refuses_duplicates_and_bad_names() {
    CPPUNIT_ASSERT_EQUAL(std::string("config: plugins.load[1]: plugin \"metrics\" is listed twice"),
                         error_of("plugins: {load: [metrics, metrics]}"));
    CPPUNIT_ASSERT(error_of("plugins: {load: ['../evil']}").rfind("config: plugins.load[0]: plugin name must be", 0) == 0);
    CPPUNIT_ASSERT_EQUAL(std::string("config: plugins.load[0]: plugin name \"http\" is a host section"),
                         error_of("plugins: {load: [http]}"));
    CPPUNIT_ASSERT_EQUAL(std::string("config: plugins.load[0].name: is required"),
                         error_of("plugins: {load: [{path: /x.so}]}"));
    CPPUNIT_ASSERT_EQUAL(std::string("config: plugins.load[0].version: unknown key"),
                         error_of("plugins: {load: [{name: x, version: 2}]}"));
    CPPUNIT_ASSERT(error_of("plugins: {load: rest_api}").rfind("config: plugins.load: must be a list", 0) == 0);
  }

  void durations_accept_seconds_and_units() {
    CPPUNIT_ASSERT_EQUAL(std::int64_t{90000}, parse_duration_ms("90").value());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{500}, parse_duration_ms("0.5").value());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{500}, parse_duration_ms("500ms").value());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{60000}, parse_duration_ms("60s").value());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1500}, parse_duration_ms("1.5s").value());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{600000}, parse_duration_ms("10m").value());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{86400000}, parse_duration_ms("24h").value());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, parse_duration_ms("0").value());
    for (const char* bad : {"", "s", "-1s", "10 s", "10d", "1e3", "1..2", "ten", "10sec", "99999999h", ".s"})
      CPPUNIT_ASSERT_MESSAGE(bad, !parse_duration_ms(bad).has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("500ms"), format_duration(500));
    CPPUNIT_ASSERT_EQUAL(std::string("1m"), format_duration(60000));
    CPPUNIT_ASSERT_EQUAL(std::string("90s"), format_duration(90000));
    CPPUNIT_ASSERT_EQUAL(std::string("10m"), format_duration(600000));
    CPPUNIT_ASSERT_EQUAL(std::string("24h"), format_duration(86400000));
    CPPUNIT_ASSERT_EQUAL(std::string("0s"), format_duration(0));
  }

  void config_durations_are_parsed() {
    ConfigResult r = parse("ai: {timeout: 90}\nsessions: {qr_wait_on_create: 1.5s}\nhttp: {request_timeout: 2h}\n");
    CPPUNIT_ASSERT_MESSAGE(r.error, r.ok());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{90000}, r.config.ai.timeout_ms);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1500}, r.config.sessions.qr_wait_on_create_ms);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{7200000}, r.config.http.request_timeout_ms);
  }

  void yaml_syntax_error_is_one_line_with_position() {
    std::string error = error_of("http:\n  port: [1, 2\nlog: {level: info}\n");
    CPPUNIT_ASSERT_MESSAGE(error, error.rfind("config: YAML syntax error at line ", 0) == 0);
  }

  void missing_file_is_an_error_naming_the_path() {
    ConfigResult r = load_config_file("/nonexistent/wabot.yaml", env_of({}));
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error.rfind("config: cannot read \"/nonexistent/wabot.yaml\"", 0) == 0);
  }

  void shared_values_expose_the_documented_keys() {
    ConfigResult r = parse("app: {base_url: 'https://b.example'}\nai: {timeout: 90s}\nmedia: {allow_private_urls: true}\n");
    CPPUNIT_ASSERT_MESSAGE(r.error, r.ok());
    auto v = r.config.shared_values();
    CPPUNIT_ASSERT_EQUAL(std::string("https://b.example"), v.at("app.base_url"));
    CPPUNIT_ASSERT_EQUAL(std::string(""), v.at("ai.backend_url"));
    CPPUNIT_ASSERT_EQUAL(std::string("90s"), v.at("ai.timeout"));
    CPPUNIT_ASSERT_EQUAL(std::string("90000"), v.at("ai.timeout_ms"));
    CPPUNIT_ASSERT_EQUAL(std::string("data/tmp"), v.at("media.temp_dir"));
    CPPUNIT_ASSERT_EQUAL(std::string("10485760"), v.at("media.max_bytes"));
    CPPUNIT_ASSERT_EQUAL(std::string("true"), v.at("media.allow_private_urls"));
    CPPUNIT_ASSERT_EQUAL(std::string("100"), v.at("rate_limit.per_minute"));
    CPPUNIT_ASSERT_EQUAL(std::string("100"), v.at("rate_limit.burst"));
    CPPUNIT_ASSERT_EQUAL(std::string("500"), v.at("rate_limit.queue_size"));
    CPPUNIT_ASSERT_EQUAL(std::string("1m"), v.at("sessions.qr_wait_on_create"));
    CPPUNIT_ASSERT_EQUAL(std::string("60000"), v.at("sessions.qr_wait_on_create_ms"));
    CPPUNIT_ASSERT(v.count("http.admin_token") == 0);  // secrets are not shared
    CPPUNIT_ASSERT(v.count("database.url") == 0);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigTest);
