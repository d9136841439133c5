// SPDX-License-Identifier: MIT
// FakeHost: an in-memory wabot host for plugin unit tests. It implements every v1 service table over
// plain containers: it checks the descriptor and config like the real host, records routes and lets a
// test call them, injects events synchronously, captures sends, typing and logs, runs timers on a fake
// clock, and keeps store data in a map. No threads of its own and not thread-safe: drive it from the
// test's thread (plugin code it calls runs synchronously inside those calls).
#pragma once

#include <wabot/abi.h>
#include <wabot/config_value.hpp>
#include <wabot/status.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wabot::testing {

struct LogLine {
  wabot_log_level level = WABOT_LOG_UNSET;
  std::string message;
  std::vector<std::pair<std::string, std::string>> fields;
};

struct HttpCall {
  std::string method = "GET";
  std::string path = "/";
  std::string query;
  std::map<std::string, std::string> query_params;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string trace_id = "trace-test";
  std::string client_ip = "127.0.0.1";
};

struct HttpResult {
  int status = 0;                    // 404 when no route matched, 503 when the plugin is not running
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  wabot_status handler_status = WABOT_STATUS_UNSET;  // what the handler returned (UNSET: not called)
};

struct SentText {
  std::string agent_id, to, text, quoted_message_id, trace_id;
  std::vector<std::string> mentions;
  std::string message_id;  // empty when the send failed
};

struct SentMedia {
  std::string agent_id, to, data, mime_type, file_name, caption;
  std::string message_id;
};

struct TypingCall {
  std::string agent_id, chat_jid;
  wabot_typing_state state = WABOT_TYPING_UNSET;
};

// What a test injects as an inbound message.
struct TestMessage {
  std::string agent_id = "agent-1";
  std::string id = "MSG1";
  std::string chat_jid = "6281234567890@s.whatsapp.net";
  std::string sender_jid = "6281234567890@s.whatsapp.net";
  std::string push_name = "Tester";
  wabot_message_type type = WABOT_MESSAGE_TEXT;
  std::string text{};
  std::string quoted_message_id{};
  std::vector<std::string> mentioned_jids{};
  int64_t timestamp_ms = 0;
  bool is_group = false;
  bool is_from_me = false;
  std::string trace_id = "trace-event";
  uint32_t flags = 0;  // WABOT_MESSAGE_FLAG_* (1.3), e.g. REPLAYED
};

struct FakeSession {
  std::string user_id, agent_id, agent_name, status = "awaiting_qr", endpoint_url_run, api_key;
  bool connected = false;
  std::string qr_text;  // empty: no QR
  std::string me_jid;
  std::string me_lid;  // (1.1)
};

class FakeHost {
 public:
  FakeHost() = default;
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;
  ~FakeHost() { unload(); }

  // ---- setup, before load ----
  void set_config(std::string key, std::string value) { config_[std::move(key)] = std::move(value); }
  void set_shared(std::string key, std::string value) { shared_[std::move(key)] = std::move(value); }

  // Checks the descriptor and config as the real host does, then creates and starts the plugin.
  Status load(const wabot_plugin_descriptor* d) {
    if (!d) return Status::error(WABOT_ERR_INVALID_ARGUMENT, "entry point returned no descriptor");
    if (d->struct_size < offsetof(wabot_plugin_descriptor, on_message))
      return Status::error(WABOT_ERR_INVALID_ARGUMENT, "descriptor struct is too small");
    if (d->abi_major != WABOT_ABI_VERSION_MAJOR || d->abi_minor > WABOT_ABI_VERSION_MINOR)
      return Status::error(WABOT_ERR_UNSUPPORTED, "plugin ABI version is not supported");
    if (!d->create || !d->start || !d->stop || !d->destroy)
      return Status::error(WABOT_ERR_INVALID_ARGUMENT, "a required callback is missing");
    for (const auto& [key, value] : config_) {
      const wabot_config_key* k = find_key(d, key);
      if (!k) return Status::error(WABOT_ERR_CONFIG, "undeclared config key: " + key);
      if (!config_value::is_valid(k->type, value))
        return Status::error(WABOT_ERR_CONFIG, "config key " + key + " is not a " + std::string(config_value::type_name(k->type)));
    }
    descriptor_ = d;
    wabot_plugin_state* state = nullptr;
    wabot_status rc = d->create(&api_, raw(), &state);
    if (rc != WABOT_OK) return Status::error(rc, "create failed: " + take_plugin_error());
    state_ = state;
    plugin_state_ = WABOT_PLUGIN_STATE_LOADED;
    rc = d->start(state_);
    if (rc != WABOT_OK) {
      plugin_state_ = WABOT_PLUGIN_STATE_FAILED;
      return Status::error(rc, "start failed: " + take_plugin_error());
    }
    plugin_state_ = WABOT_PLUGIN_STATE_RUNNING;
    return Status::ok();
  }

  // Stops (when running) and destroys the plugin. Idempotent.
  void unload() {
    if (!state_) return;
    if (plugin_state_ == WABOT_PLUGIN_STATE_RUNNING) {
      descriptor_->stop(state_);
      plugin_state_ = WABOT_PLUGIN_STATE_STOPPED;
    }
    timers_.clear();
    posted_.clear();
    descriptor_->destroy(state_);
    state_ = nullptr;
  }

  // ---- HTTP ----
  struct RouteRecord {
    std::string method, pattern;
    wabot_http_handler_fn handler = nullptr;
    void* user_data = nullptr;
  };
  const std::vector<RouteRecord>& routes() const { return routes_; }
  bool has_route(std::string_view method, std::string_view pattern) const {
    return std::any_of(routes_.begin(), routes_.end(), [&](const RouteRecord& r) { return r.method == method && r.pattern == pattern; });
  }

  HttpResult call(const HttpCall& call) {
    HttpResult result;
    std::map<std::string, std::string> params;
    // A copy: the handler may add routes, which would move the vector's elements.
    std::optional<RouteRecord> route;
    for (const RouteRecord& r : routes_) {
      params.clear();
      if (r.method == call.method && match(r.pattern, call.path, params)) { route = r; break; }
    }
    if (!route) {
      result.status = 404;
      return result;
    }
    if (plugin_state_ != WABOT_PLUGIN_STATE_RUNNING) {
      result.status = 503;
      return result;
    }
    auto pairs = [](const std::map<std::string, std::string>& m) {
      std::vector<wabot_str_pair> out;
      for (const auto& [k, v] : m) out.push_back({to_view(k), to_view(v)});
      return out;
    };
    auto path_params = pairs(params), query_params = pairs(call.query_params), headers = pairs(call.headers);
    wabot_http_request req{sizeof(req), to_view(call.method), to_view(call.path), to_view(route->pattern), to_view(call.query),
                           to_view(call.body), to_view(call.trace_id), to_view(call.client_ip),
                           path_params.data(), path_params.size(), query_params.data(), query_params.size(),
                           headers.data(), headers.size()};
    Response response;
    response.status = 200;
    response.content_type = "application/json";
    result.handler_status = route->handler(route->user_data, &req, reinterpret_cast<wabot_http_response*>(&response));
    if (result.handler_status != WABOT_OK) {
      last_plugin_error_ = take_plugin_error();
      result.status = 500;
      result.content_type = "application/json";
      result.body = R"({"error":{"code":"INTERNAL_ERROR","message":"plugin handler failed","traceId":")" + call.trace_id + "\"}}";
      return result;
    }
    result.status = response.status;
    result.content_type = response.content_type;
    result.body = response.body;
    result.headers = response.headers;
    return result;
  }
  HttpResult get(std::string path) {
    HttpCall c;
    c.path = std::move(path);
    return call(c);
  }

  // ---- events ----
  uint32_t subscription_mask() const { return subscription_mask_; }

  // Delivers an inbound message to on_message (and on_event when subscribed), synchronously.
  // Returns the first non-OK hook status, or OK; UNSUPPORTED when nothing would receive it.
  wabot_status deliver(const TestMessage& m) {
    std::vector<wabot_str_view> mentions;
    for (const std::string& j : m.mentioned_jids) mentions.push_back(to_view(j));
    wabot_message msg{sizeof(msg), to_view(m.id), to_view(m.chat_jid), to_view(m.sender_jid), to_view(m.push_name), m.type,
                      to_view(m.text), to_view(m.quoted_message_id), mentions.empty() ? nullptr : mentions.data(),
                      mentions.size(), {}, m.timestamp_ms, m.is_group ? 1 : 0, m.is_from_me ? 1 : 0, m.flags};
    wabot_event ev{};
    ev.struct_size = sizeof(ev);
    ev.kind = WABOT_EVENT_MESSAGE_RECEIVED;
    ev.agent_id = to_view(m.agent_id);
    ev.trace_id = to_view(m.trace_id);
    ev.timestamp_ms = now_ms_;
    ev.message = &msg;
    return dispatch(ev, true);
  }
  // Delivers any prepared event (its views must outlive the call) to on_event when subscribed.
  wabot_status deliver_event(const wabot_event& ev) { return dispatch(ev, false); }

  // ---- messaging ----
  std::vector<SentText> sent_texts;
  std::vector<SentMedia> sent_media;
  std::vector<TypingCall> typing;
  // The status the next sends return (e.g. WABOT_ERR_RATE_LIMITED); OK by default.
  wabot_status send_status = WABOT_OK;

  // ---- sessions ----
  std::map<std::string, FakeSession> sessions;
  size_t api_key_checks = 0;  // calls of sessions.check_api_key (ABI 1.1)

  // ---- store ----
  std::map<std::string, std::string> store;
  std::map<std::string, wabot_agent_stats> agent_stats;
  std::vector<std::string> ai_executions;  // agent ids, one per record_ai_execution

  // ---- health ----
  std::string host_version = "0.0.0-fake";
  wabot_component_state database = WABOT_COMPONENT_HEALTHY;
  std::string database_detail;
  struct PluginRow {
    std::string name, version;
    wabot_plugin_run_state state = WABOT_PLUGIN_STATE_RUNNING;
  };
  std::vector<PluginRow> plugins;  // listed by the health service, in order
  // (1.2) Engine health per agent, listed in agent id order; the totals are their sums.
  struct AgentHealthRow {
    uint64_t decrypt_failures = 0, sends_queued = 0;
  };
  std::map<std::string, AgentHealthRow> agent_health;
  // The wabot_health struct_size the snapshot reports: set it to offsetof(wabot_health,
  // decrypt_failures) to act as a 1.1 host that has no engine health.
  size_t health_struct_size = sizeof(wabot_health);

  // ---- clock and scheduler ----
  int64_t now_ms() const { return now_ms_; }
  int64_t uptime_ms = 0;
  // Moves the fake clock forward, running every due timer tick in time order.
  void advance_ms(int64_t ms) {
    int64_t target = now_ms_ + ms;
    for (;;) {
      Timer* next = nullptr;
      for (auto& [id, t] : timers_)
        if (t.due_ms <= target && (!next || t.due_ms < next->due_ms)) next = &t;
      if (!next) break;
      now_ms_ = next->due_ms;
      Timer copy = *next;
      if (copy.interval_ms > 0) next->due_ms += copy.interval_ms;
      else timers_.erase(copy.id);
      copy.task(copy.user_data);
      ++timer_ticks_;
    }
    now_ms_ = target;
  }
  size_t timer_count() const { return timers_.size(); }
  uint64_t timer_ticks() const { return timer_ticks_; }
  // Runs posted work, oldest first; returns how many ran.
  size_t run_posted() {
    size_t n = 0;
    while (!posted_.empty()) {
      auto [task, ud] = posted_.front();
      posted_.erase(posted_.begin());
      task(ud);
      ++n;
    }
    return n;
  }

  // ---- logs and errors ----
  std::vector<LogLine> logs;
  bool logged(std::string_view needle) const {
    return std::any_of(logs.begin(), logs.end(), [&](const LogLine& l) { return l.message.find(needle) != std::string::npos; });
  }
  // The message the plugin attached (set_error) to its last failing hook or handler.
  const std::string& last_plugin_error() const { return last_plugin_error_; }
  wabot_plugin_run_state plugin_state() const { return plugin_state_; }

 private:
  struct Response {
    int status = 200;
    std::string content_type, body;
    std::vector<std::pair<std::string, std::string>> headers;
  };
  struct Timer {
    wabot_timer_id id = 0;
    int64_t due_ms = 0, interval_ms = 0;
    wabot_task_fn task = nullptr;
    void* user_data = nullptr;
  };

  wabot_host* raw() { return reinterpret_cast<wabot_host*>(this); }
  static FakeHost& self(wabot_host* h) { return *reinterpret_cast<FakeHost*>(h); }
  static std::string& last_error() {
    static thread_local std::string e;
    return e;
  }
  static wabot_status fail(wabot_status rc, std::string message) {
    last_error() = std::move(message);
    return rc;
  }
  std::string take_plugin_error() {
    std::string e = std::move(pending_plugin_error_);
    pending_plugin_error_.clear();
    return e;
  }

  static const wabot_config_key* find_key(const wabot_plugin_descriptor* d, std::string_view name) {
    for (size_t i = 0; d->config_keys && i < d->config_key_count; ++i)
      if (d->config_keys[i].name && name == d->config_keys[i].name) return &d->config_keys[i];
    return nullptr;
  }

  static bool match(std::string_view pattern, std::string_view path, std::map<std::string, std::string>& params) {
    auto split = [](std::string_view s) {
      std::vector<std::string_view> out;
      size_t i = 0;
      while (i <= s.size()) {
        size_t j = s.find('/', i);
        if (j == std::string_view::npos) j = s.size();
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j + 1;
      }
      return out;
    };
    auto ps = split(pattern), xs = split(path);
    if (ps.size() != xs.size()) return false;
    for (size_t i = 0; i < ps.size(); ++i) {
      if (ps[i].size() > 2 && ps[i].front() == '{' && ps[i].back() == '}')
        params[std::string(ps[i].substr(1, ps[i].size() - 2))] = std::string(xs[i]);
      else if (ps[i] != xs[i])
        return false;
    }
    return true;
  }

  wabot_status dispatch(const wabot_event& ev, bool as_message) {
    if (!state_ || plugin_state_ != WABOT_PLUGIN_STATE_RUNNING) return WABOT_ERR_NOT_READY;
    wabot_status result = WABOT_ERR_UNSUPPORTED;
    if (as_message && descriptor_->on_message) {
      result = descriptor_->on_message(state_, &ev);
      if (result != WABOT_OK) last_plugin_error_ = take_plugin_error();
    }
    if (descriptor_->on_event && (subscription_mask_ & WABOT_EVENT_BIT(ev.kind))) {
      wabot_status rc = descriptor_->on_event(state_, &ev);
      if (rc != WABOT_OK) last_plugin_error_ = take_plugin_error();
      if (result == WABOT_OK || result == WABOT_ERR_UNSUPPORTED) result = rc;
    }
    return result;
  }

  // ---- C service implementations ----
  static const void* get_service(wabot_host*, wabot_str_view name, uint32_t major) {
    if (major != 1) return nullptr;
    std::string_view n = from_view(name);
    if (n == "log") return &log_table_;
    if (n == "config") return &config_table_;
    if (n == "http") return &http_table_;
    if (n == "events") return &events_table_;
    if (n == "sessions") return &sessions_table_;
    if (n == "messaging") return &messaging_table_;
    if (n == "scheduler") return &scheduler_table_;
    if (n == "health") return &health_table_;
    if (n == "store") return &store_table_;
    return nullptr;
  }
  static wabot_str_view api_last_error(wabot_host*) { return to_view(last_error()); }
  static void api_set_error(wabot_host* h, wabot_str_view message) { self(h).pending_plugin_error_ = to_string(message); }

  static wabot_status log_write(wabot_host* h, wabot_log_level level, wabot_str_view message, const wabot_str_pair* fields,
                                size_t count) {
    if (level < WABOT_LOG_TRACE || level > WABOT_LOG_ERROR) return fail(WABOT_ERR_INVALID_ARGUMENT, "unknown log level");
    LogLine line{level, to_string(message), {}};
    for (size_t i = 0; fields && i < count; ++i) line.fields.emplace_back(to_string(fields[i].key), to_string(fields[i].value));
    self(h).logs.push_back(std::move(line));
    return WABOT_OK;
  }
  static int32_t log_enabled(wabot_host*, wabot_log_level) { return 1; }

  // The value of a declared key (given or default) if it has the wanted type.
  static wabot_status config_text(wabot_host* h, wabot_str_view key, wabot_config_type type, std::string_view& out) {
    FakeHost& s = self(h);
    std::string name = to_string(key);
    const wabot_config_key* k = s.descriptor_ ? find_key(s.descriptor_, name) : nullptr;
    if (!k) return fail(WABOT_ERR_CONFIG, "config key " + name + " is not declared");
    if (k->type != type)
      return fail(WABOT_ERR_CONFIG, "config key " + name + " is a " + std::string(config_value::type_name(k->type)));
    auto it = s.config_.find(name);
    if (it != s.config_.end()) out = it->second;
    else if (k->default_value) out = k->default_value;
    else return fail(WABOT_ERR_NOT_FOUND, "config key " + name + " has no value and no default");
    return WABOT_OK;
  }
  static wabot_status config_get_string(wabot_host* h, wabot_str_view key, wabot_str_view* out) {
    std::string_view text;
    wabot_status rc = config_text(h, key, WABOT_CONFIG_STRING, text);
    if (rc == WABOT_OK) *out = to_view(text);
    return rc;
  }
  template <class T, class Parse>
  static wabot_status config_typed(wabot_host* h, wabot_str_view key, wabot_config_type type, T* out, Parse parse) {
    std::string_view text;
    wabot_status rc = config_text(h, key, type, text);
    if (rc != WABOT_OK) return rc;
    auto v = parse(text);
    if (!v) return fail(WABOT_ERR_CONFIG, "config key " + to_string(key) + " has an invalid value");
    *out = static_cast<T>(*v);
    return WABOT_OK;
  }
  static wabot_status config_get_int(wabot_host* h, wabot_str_view key, int64_t* out) {
    return config_typed(h, key, WABOT_CONFIG_INT, out, config_value::parse_int);
  }
  static wabot_status config_get_bool(wabot_host* h, wabot_str_view key, int32_t* out) {
    return config_typed(h, key, WABOT_CONFIG_BOOL, out, config_value::parse_bool);
  }
  static wabot_status config_get_double(wabot_host* h, wabot_str_view key, double* out) {
    return config_typed(h, key, WABOT_CONFIG_DOUBLE, out, config_value::parse_double);
  }
  static wabot_status config_get_duration(wabot_host* h, wabot_str_view key, int64_t* out) {
    return config_typed(h, key, WABOT_CONFIG_DURATION, out, config_value::parse_duration_ms);
  }
  static wabot_status config_get_shared(wabot_host* h, wabot_str_view key, wabot_str_view* out) {
    auto& m = self(h).shared_;
    auto it = m.find(to_string(key));
    if (it == m.end()) return fail(WABOT_ERR_NOT_FOUND, "no shared config key " + to_string(key));
    *out = to_view(it->second);
    return WABOT_OK;
  }

  static wabot_status http_add_route(wabot_host* h, wabot_str_view method, wabot_str_view pattern,
                                     wabot_http_handler_fn handler, void* user_data) {
    FakeHost& s = self(h);
    if (!handler || method.len == 0 || pattern.len == 0 || pattern.ptr[0] != '/')
      return fail(WABOT_ERR_INVALID_ARGUMENT, "bad route " + to_string(method) + " " + to_string(pattern));
    if (s.has_route(from_view(method), from_view(pattern)))
      return fail(WABOT_ERR_ALREADY_EXISTS, "route " + to_string(method) + " " + to_string(pattern) + " exists");
    s.routes_.push_back({to_string(method), to_string(pattern), handler, user_data});
    return WABOT_OK;
  }
  static wabot_status http_set_status(wabot_http_response* r, int32_t status) {
    if (status < 100 || status > 599) return fail(WABOT_ERR_INVALID_ARGUMENT, "bad HTTP status");
    reinterpret_cast<Response*>(r)->status = status;
    return WABOT_OK;
  }
  static wabot_status http_set_body(wabot_http_response* r, wabot_str_view content_type, wabot_str_view body) {
    auto* resp = reinterpret_cast<Response*>(r);
    resp->content_type = to_string(content_type);
    resp->body = to_string(body);
    return WABOT_OK;
  }
  static wabot_status http_add_header(wabot_http_response* r, wabot_str_view name, wabot_str_view value) {
    reinterpret_cast<Response*>(r)->headers.emplace_back(to_string(name), to_string(value));
    return WABOT_OK;
  }

  static wabot_status events_subscribe(wabot_host* h, uint32_t mask) {
    FakeHost& s = self(h);
    constexpr uint32_t known = WABOT_EVENT_BIT(WABOT_EVENT_MESSAGE_RECEIVED) | WABOT_EVENT_BIT(WABOT_EVENT_MESSAGE_SENT) |
                               WABOT_EVENT_BIT(WABOT_EVENT_RECEIPT) | WABOT_EVENT_BIT(WABOT_EVENT_SESSION_STATE) |
                               WABOT_EVENT_BIT(WABOT_EVENT_QR_UPDATED) | WABOT_EVENT_BIT(WABOT_EVENT_AI_EXECUTION) |
                               WABOT_EVENT_BIT(WABOT_EVENT_HTTP_REQUEST);  // 1.1
    if (mask & ~known) return fail(WABOT_ERR_INVALID_ARGUMENT, "unknown event kinds in mask");
    if (!s.descriptor_ || !s.descriptor_->on_event) return fail(WABOT_ERR_UNSUPPORTED, "the plugin has no on_event");
    s.subscription_mask_ = mask;
    return WABOT_OK;
  }

  // Sessions: just enough behaviour over the map for handlers to be tested.
  static void visit_session(const FakeSession& f, wabot_session_visitor_fn visit, void* ud) {
    wabot_qr_update qr{sizeof(qr), to_view(f.qr_text), {}, 0, 0};
    wabot_session_info info{};
    info.struct_size = sizeof(info);
    info.user_id = to_view(f.user_id);
    info.agent_id = to_view(f.agent_id);
    info.agent_name = to_view(f.agent_name);
    info.status = to_view(f.status);
    info.endpoint_url_run = to_view(f.endpoint_url_run);
    info.has_client = 1;
    info.is_ready = f.connected ? 1 : 0;
    info.session_state = f.connected ? WABOT_SESSION_CONNECTED : WABOT_SESSION_AWAITING_QR;
    info.qr = f.qr_text.empty() ? nullptr : &qr;
    info.me_jid = to_view(f.me_jid);
    info.me_lid = to_view(f.me_lid);
    if (visit) visit(ud, &info);
  }
  static wabot_status sessions_create(wabot_host* h, const wabot_session_create* req, int32_t* out_created,
                                      wabot_session_visitor_fn visit, void* ud) {
    if (!req || req->struct_size < sizeof(wabot_session_create) || req->agent_id.len == 0)
      return fail(WABOT_ERR_INVALID_ARGUMENT, "bad session create request");
    FakeHost& s = self(h);
    std::string id = to_string(req->agent_id);
    auto [it, created] = s.sessions.try_emplace(id);
    if (!created && it->second.user_id != to_string(req->user_id))
      return fail(WABOT_ERR_ALREADY_EXISTS, "agent id " + id + " belongs to another user");
    it->second.user_id = to_string(req->user_id);
    it->second.agent_id = id;
    it->second.agent_name = to_string(req->agent_name);
    it->second.api_key = to_string(req->api_key);
    if (out_created) *out_created = created ? 1 : 0;
    visit_session(it->second, visit, ud);
    return WABOT_OK;
  }
  static wabot_status sessions_get_api_key(wabot_host* h, wabot_str_view agent_id, wabot_secret_visitor_fn visit, void* ud) {
    FakeHost& s = self(h);
    auto it = s.sessions.find(to_string(agent_id));
    if (it == s.sessions.end()) return fail(WABOT_ERR_NOT_FOUND, "no session " + to_string(agent_id));
    if (visit) visit(ud, to_view(it->second.api_key));
    return WABOT_OK;
  }
  static wabot_status sessions_get(wabot_host* h, wabot_str_view agent_id, wabot_session_visitor_fn visit, void* ud) {
    FakeHost& s = self(h);
    auto it = s.sessions.find(to_string(agent_id));
    if (it == s.sessions.end()) return fail(WABOT_ERR_NOT_FOUND, "no session " + to_string(agent_id));
    visit_session(it->second, visit, ud);
    return WABOT_OK;
  }
  static wabot_status sessions_list(wabot_host* h, const wabot_session_filter* filter, wabot_session_page_visitor_fn visit,
                                    void* ud) {
    FakeHost& s = self(h);
    std::vector<wabot_session_info> infos;
    std::vector<const wabot_session_info*> ptrs;
    infos.reserve(s.sessions.size());
    for (const auto& [id, f] : s.sessions) {
      if (filter && filter->user_id.len && to_string(filter->user_id) != f.user_id) continue;
      if (filter && filter->status.len && to_string(filter->status) != f.status) continue;
      wabot_session_info info{};
      info.struct_size = sizeof(info);
      info.user_id = to_view(f.user_id);
      info.agent_id = to_view(f.agent_id);
      info.agent_name = to_view(f.agent_name);
      info.status = to_view(f.status);
      info.is_ready = f.connected ? 1 : 0;
      infos.push_back(info);
    }
    for (const auto& i : infos) ptrs.push_back(&i);
    if (visit) visit(ud, ptrs.data(), ptrs.size(), {});
    return WABOT_OK;
  }
  static wabot_status sessions_remove(wabot_host* h, wabot_str_view agent_id, int32_t, int32_t* out_deleted) {
    size_t n = self(h).sessions.erase(to_string(agent_id));
    if (out_deleted) *out_deleted = n ? 1 : 0;
    return WABOT_OK;
  }
  static wabot_status sessions_reconnect(wabot_host* h, wabot_str_view agent_id, int64_t, wabot_session_visitor_fn visit,
                                         void* ud) {
    return sessions_get(h, agent_id, visit, ud);
  }
  static wabot_status sessions_check_api_key(wabot_host* h, wabot_str_view agent_id, wabot_str_view token, int32_t* out_match) {
    FakeHost& s = self(h);
    auto it = s.sessions.find(to_string(agent_id));
    if (it == s.sessions.end()) return fail(WABOT_ERR_NOT_FOUND, "no session " + to_string(agent_id));
    const std::string& key = it->second.api_key;
    std::string_view given = from_view(token);
    unsigned diff = key.size() == given.size() ? 0u : 1u;  // constant time over the stored key's length
    for (size_t i = 0; i < key.size(); ++i) diff |= static_cast<unsigned>(key[i] ^ (i < given.size() ? given[i] : 0));
    ++s.api_key_checks;
    if (out_match) *out_match = (!key.empty() && diff == 0) ? 1 : 0;
    return WABOT_OK;
  }
  static wabot_status sessions_wait_qr(wabot_host* h, wabot_str_view agent_id, int64_t, wabot_qr_visitor_fn visit, void* ud) {
    FakeHost& s = self(h);
    auto it = s.sessions.find(to_string(agent_id));
    if (it == s.sessions.end()) return fail(WABOT_ERR_NOT_FOUND, "no session " + to_string(agent_id));
    if (it->second.connected) return fail(WABOT_ERR_ALREADY_EXISTS, "session is connected");
    if (it->second.qr_text.empty()) return fail(WABOT_ERR_TIMEOUT, "no QR came");
    wabot_qr_update qr{sizeof(qr), to_view(it->second.qr_text), {}, s.now_ms_, s.now_ms_ + 20'000};
    if (visit) visit(ud, &qr);
    return WABOT_OK;
  }

  static void fill_id(wabot_message_id* out, const std::string& id) {
    if (!out || out->struct_size < sizeof(wabot_message_id)) return;
    out->len = std::min(id.size(), sizeof(out->id));
    std::memcpy(out->id, id.data(), out->len);
  }
  static wabot_status messaging_send_text(wabot_host* h, const wabot_send_text* req, wabot_message_id* out) {
    if (!req || req->struct_size < sizeof(wabot_send_text)) return fail(WABOT_ERR_INVALID_ARGUMENT, "bad send request");
    FakeHost& s = self(h);
    SentText t{to_string(req->agent_id), to_string(req->to), to_string(req->text), to_string(req->quoted_message_id),
               to_string(req->trace_id), {}, {}};
    for (size_t i = 0; req->mentions && i < req->mention_count; ++i) t.mentions.push_back(to_string(req->mentions[i]));
    if (s.send_status != WABOT_OK) {
      s.sent_texts.push_back(std::move(t));
      return fail(s.send_status, "fake send failure: " + std::string(status_name(s.send_status)));
    }
    t.message_id = "FAKE" + std::to_string(++s.next_id_);
    fill_id(out, t.message_id);
    s.sent_texts.push_back(std::move(t));
    return WABOT_OK;
  }
  static wabot_status messaging_send_media(wabot_host* h, const wabot_send_media* req, wabot_message_id* out) {
    if (!req || req->struct_size < sizeof(wabot_send_media)) return fail(WABOT_ERR_INVALID_ARGUMENT, "bad send request");
    FakeHost& s = self(h);
    SentMedia m{to_string(req->agent_id), to_string(req->to),
                req->data.ptr ? std::string(reinterpret_cast<const char*>(req->data.ptr), req->data.len) : std::string(),
                to_string(req->mime_type), to_string(req->file_name), to_string(req->caption), {}};
    if (s.send_status != WABOT_OK) {
      s.sent_media.push_back(std::move(m));
      return fail(s.send_status, "fake send failure: " + std::string(status_name(s.send_status)));
    }
    m.message_id = "FAKE" + std::to_string(++s.next_id_);
    fill_id(out, m.message_id);
    s.sent_media.push_back(std::move(m));
    return WABOT_OK;
  }
  static wabot_status messaging_set_typing(wabot_host* h, wabot_str_view agent_id, wabot_str_view chat, wabot_typing_state st) {
    self(h).typing.push_back({to_string(agent_id), to_string(chat), st});
    return WABOT_OK;
  }

  static wabot_status scheduler_schedule(wabot_host* h, int64_t delay_ms, int64_t interval_ms, wabot_task_fn task, void* ud,
                                         wabot_timer_id* out) {
    if (!task || delay_ms < 0 || interval_ms < 0) return fail(WABOT_ERR_INVALID_ARGUMENT, "bad timer");
    FakeHost& s = self(h);
    Timer t{++s.next_timer_, s.now_ms_ + delay_ms, interval_ms, task, ud};
    s.timers_[t.id] = t;
    if (out) *out = t.id;
    return WABOT_OK;
  }
  static wabot_status scheduler_cancel(wabot_host* h, wabot_timer_id id) {
    if (self(h).timers_.erase(id) == 0) return fail(WABOT_ERR_NOT_FOUND, "no timer " + std::to_string(id));
    return WABOT_OK;
  }
  static wabot_status scheduler_post(wabot_host* h, wabot_task_fn task, void* ud) {
    if (!task) return fail(WABOT_ERR_INVALID_ARGUMENT, "no task");
    self(h).posted_.emplace_back(task, ud);
    return WABOT_OK;
  }

  static wabot_status health_snapshot(wabot_host* h, wabot_health_visitor_fn visit, void* ud) {
    FakeHost& s = self(h);
    std::vector<wabot_plugin_info> infos;
    std::vector<const wabot_plugin_info*> ptrs;
    infos.reserve(s.plugins.size());
    for (const PluginRow& p : s.plugins) infos.push_back({sizeof(wabot_plugin_info), to_view(p.name), to_view(p.version), p.state, 0, 0});
    for (const auto& i : infos) ptrs.push_back(&i);
    uint64_t connected = 0;
    for (const auto& [id, f] : s.sessions) connected += f.connected ? 1 : 0;
    std::vector<wabot_agent_health> agents;
    std::vector<const wabot_agent_health*> agent_ptrs;
    uint64_t decrypt_failures = 0, sends_queued = 0;
    agents.reserve(s.agent_health.size());
    for (const auto& [id, a] : s.agent_health) {
      agents.push_back({sizeof(wabot_agent_health), to_view(id), a.decrypt_failures, a.sends_queued});
      decrypt_failures += a.decrypt_failures;
      sends_queued += a.sends_queued;
    }
    for (const auto& a : agents) agent_ptrs.push_back(&a);
    wabot_health health{sizeof(health), to_view(s.host_version), s.uptime_ms, s.now_ms_, s.database, to_view(s.database_detail),
                        s.sessions.size(), connected, ptrs.data(), ptrs.size(),
                        decrypt_failures, sends_queued, agent_ptrs.data(), agent_ptrs.size()};
    if (s.health_struct_size < sizeof(health)) {  // an older host: the fields past its size are not there
      health.struct_size = s.health_struct_size;
      health.decrypt_failures = health.sends_queued = 0;
      health.agents = nullptr;
      health.agent_count = 0;
    }
    if (visit) visit(ud, &health);
    return WABOT_OK;
  }

  static wabot_status store_put(wabot_host* h, wabot_str_view key, wabot_bytes_view value) {
    if (key.len == 0 || key.len > 256) return fail(WABOT_ERR_INVALID_ARGUMENT, "store keys are 1..256 bytes");
    if (value.len > (1u << 20)) return fail(WABOT_ERR_TOO_LARGE, "store values are at most 1 MiB");
    self(h).store[to_string(key)] = value.ptr ? std::string(reinterpret_cast<const char*>(value.ptr), value.len) : std::string();
    return WABOT_OK;
  }
  static wabot_status store_get(wabot_host* h, wabot_str_view key, wabot_bytes_visitor_fn visit, void* ud) {
    auto& m = self(h).store;
    auto it = m.find(to_string(key));
    if (it == m.end()) return fail(WABOT_ERR_NOT_FOUND, "no key " + to_string(key));
    if (visit) visit(ud, {reinterpret_cast<const uint8_t*>(it->second.data()), it->second.size()});
    return WABOT_OK;
  }
  static wabot_status store_remove(wabot_host* h, wabot_str_view key) {
    self(h).store.erase(to_string(key));
    return WABOT_OK;
  }
  static wabot_status store_agent_stats(wabot_host* h, wabot_str_view agent_id, wabot_agent_stats* out) {
    auto& m = self(h).agent_stats;
    auto it = m.find(to_string(agent_id));
    if (it == m.end()) return fail(WABOT_ERR_NOT_FOUND, "no stats for " + to_string(agent_id));
    if (out) *out = it->second;
    return WABOT_OK;
  }
  static wabot_status store_record_ai(wabot_host* h, const wabot_ai_execution* e) {
    if (!e || e->struct_size < sizeof(wabot_ai_execution)) return fail(WABOT_ERR_INVALID_ARGUMENT, "bad AI execution record");
    self(h).ai_executions.push_back(to_string(e->agent_id));
    return WABOT_OK;
  }

  static constexpr wabot_log_service_v1 log_table_{sizeof(wabot_log_service_v1), &log_write, &log_enabled};
  static constexpr wabot_config_service_v1 config_table_{sizeof(wabot_config_service_v1), &config_get_string, &config_get_int,
                                                         &config_get_bool, &config_get_double, &config_get_duration,
                                                         &config_get_shared};
  static constexpr wabot_http_service_v1 http_table_{sizeof(wabot_http_service_v1), &http_add_route, &http_set_status,
                                                     &http_set_body, &http_add_header};
  static constexpr wabot_events_service_v1 events_table_{sizeof(wabot_events_service_v1), &events_subscribe};
  static constexpr wabot_sessions_service_v1 sessions_table_{sizeof(wabot_sessions_service_v1), &sessions_create, &sessions_get,
                                                             &sessions_list, &sessions_remove, &sessions_reconnect,
                                                             &sessions_wait_qr, &sessions_check_api_key, &sessions_get_api_key};
  static constexpr wabot_messaging_service_v1 messaging_table_{sizeof(wabot_messaging_service_v1), &messaging_send_text,
                                                               &messaging_send_media, &messaging_set_typing};
  static constexpr wabot_scheduler_service_v1 scheduler_table_{sizeof(wabot_scheduler_service_v1), &scheduler_schedule,
                                                               &scheduler_cancel, &scheduler_post};
  static constexpr wabot_health_service_v1 health_table_{sizeof(wabot_health_service_v1), &health_snapshot};
  static constexpr wabot_store_service_v1 store_table_{sizeof(wabot_store_service_v1), &store_put, &store_get, &store_remove,
                                                       &store_agent_stats, &store_record_ai};

  wabot_host_api api_{sizeof(wabot_host_api), WABOT_ABI_VERSION_MAJOR, WABOT_ABI_VERSION_MINOR, &get_service, &api_last_error,
                      &api_set_error};
  const wabot_plugin_descriptor* descriptor_ = nullptr;
  wabot_plugin_state* state_ = nullptr;
  wabot_plugin_run_state plugin_state_ = WABOT_PLUGIN_STATE_UNSET;
  std::map<std::string, std::string> config_, shared_;
  std::vector<RouteRecord> routes_;
  uint32_t subscription_mask_ = 0;
  std::map<wabot_timer_id, Timer> timers_;
  std::vector<std::pair<wabot_task_fn, void*>> posted_;
  int64_t now_ms_ = 1'700'000'000'000;
  uint64_t timer_ticks_ = 0;
  wabot_timer_id next_timer_ = 0;
  uint64_t next_id_ = 0;
  std::string pending_plugin_error_, last_plugin_error_;
};

}  // namespace wabot::testing
