// SPDX-License-Identifier: GPL-3.0-or-later
// rest_api: the documented REST API (docs/api.md) as a plugin on the public SDK: /health, /sessions*,
// /agents/{agentId}/messages and /media, /openapi.json. Request logging, trace ids, CORS, body limits,
// 404/405 and the admin token are the host HTTP server's (host/http/README.md).
#include "api_error.hpp"
#include "base64_payload.hpp"
#include "health_response.hpp"
#include "identifiers.hpp"
#include "media_fetcher.hpp"
#include "media_preview.hpp"
#include "mime_types.hpp"
#include "openapi_document.hpp"
#include "request_body.hpp"
#include "session_json.hpp"
#include "version.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <wabot/sdk.hpp>

#include <charconv>

namespace rest_api {

namespace {
constexpr size_t max_id_chars = 256;          // userId, agentName
constexpr size_t max_text_chars = 65'536;     // WhatsApp refuses longer texts anyway
constexpr size_t max_caption_chars = 4'096;
constexpr size_t max_token_chars = 4'096;
constexpr size_t max_mentions = 256;
constexpr size_t max_base64_chars = 64u << 20;  // the host's body limit bounds it first

void send_error(const wabot::HttpRequest& req, const wabot::HttpResponse& res, const ApiError& e) {
  res.json(e.http_status, error_body(e, req.trace_id()));
}
void send_data(const wabot::HttpRequest& req, const wabot::HttpResponse& res, int code, const Poco::JSON::Object& data) {
  res.json(code, data_body(data, req.trace_id()));
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char a = s[i], b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

std::optional<ApiError> agent_id_error(std::optional<std::string_view> agent_id) {
  if (!agent_id || !valid_agent_id(*agent_id))
    return ApiError::invalid("agentId must match ^[A-Za-z0-9._-]{1,64}$", "agentId");
  return std::nullopt;
}

std::string_view file_base_name(std::string_view name) {
  size_t slash = name.find_last_of("/\\");
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}
}  // namespace

class RestApiPlugin : public wabot::Plugin {
 public:
  static constexpr wabot_config_key config_keys[] = {
      wabot::config_key("qr_wait", WABOT_CONFIG_DURATION, "60s", "how long POST /sessions/{id}/qr waits for a QR"),
      wabot::config_key("media_fetch_timeout", WABOT_CONFIG_DURATION, "30s", "timeout of each media URL request"),
  };

  explicit RestApiPlugin(wabot::Host& host) : wabot::Plugin(host) {}

  wabot::Status start() {
    if (wabot::Status s = read_settings(); !s) return s;
    struct Route {
      const char* method;
      const char* pattern;
      void (RestApiPlugin::*handler)(const wabot::HttpRequest&, const wabot::HttpResponse&) const;
    };
    static constexpr Route routes[] = {
        {"GET", "/health", &RestApiPlugin::health},
        {"GET", "/openapi.json", &RestApiPlugin::openapi},
        {"POST", "/sessions", &RestApiPlugin::create_session},
        {"GET", "/sessions", &RestApiPlugin::list_sessions},
        {"GET", "/sessions/{agentId}", &RestApiPlugin::get_session},
        {"DELETE", "/sessions/{agentId}", &RestApiPlugin::delete_session},
        {"POST", "/sessions/{agentId}/reconnect", &RestApiPlugin::reconnect_session},
        {"POST", "/sessions/{agentId}/qr", &RestApiPlugin::session_qr},
        {"POST", "/agents/{agentId}/messages", &RestApiPlugin::send_message},
        {"POST", "/agents/{agentId}/media", &RestApiPlugin::send_media},
    };
    for (const Route& r : routes) {
      auto handler = r.handler;
      auto added = http().add_route(r.method, r.pattern, [this, handler](const wabot::HttpRequest& req, const wabot::HttpResponse& res) {
        (this->*handler)(req, res);
      });
      if (!added) return added;
    }
    log().info("rest_api started", {{"version", REST_API_VERSION}, {"media_max_bytes", std::to_string(media_max_bytes_)}});
    return wabot::Status::ok();
  }

 private:
  wabot::Status read_settings() {
    auto qr_wait = config().get_duration_ms("qr_wait");
    if (!qr_wait) return qr_wait.status();
    qr_wait_ms_ = qr_wait.value();
    auto fetch_timeout = config().get_duration_ms("media_fetch_timeout");
    if (!fetch_timeout) return fetch_timeout.status();
    media_fetch_timeout_ms_ = fetch_timeout.value();
    // Shared host keys; a host without them keeps the documented defaults.
    if (auto v = config().shared("media.max_bytes")) {
      uint64_t n = 0;
      auto [end, ec] = std::from_chars(v.value().data(), v.value().data() + v.value().size(), n);
      if (ec != std::errc() || end != v.value().data() + v.value().size() || n == 0)
        return wabot::Status::error(WABOT_ERR_CONFIG, "media.max_bytes is not a positive integer");
      media_max_bytes_ = n;
    }
    if (auto v = config().shared("media.temp_dir")) temp_dir_ = std::string(v.value());
    if (auto v = config().shared("media.allow_private_urls")) allow_private_urls_ = v.value() == "true";
    if (auto v = config().shared("sessions.qr_wait_on_create_ms")) {
      int64_t n = 0;
      auto [end, ec] = std::from_chars(v.value().data(), v.value().data() + v.value().size(), n);
      if (ec == std::errc() && end == v.value().data() + v.value().size() && n >= 0) reconnect_qr_wait_ms_ = n;
    }
    return wabot::Status::ok();
  }

  // ---- health and the document ----

  void health(const wabot::HttpRequest& req, const wabot::HttpResponse& res) const {
    auto snapshot = wabot::Health(host()).snapshot();
    if (!snapshot) {
      // Without a snapshot the host cannot vouch for anything: answer like a down database.
      log().error("health snapshot failed", {{"error", snapshot.status().to_string()}});
      wabot::HealthSnapshot unknown;
      unknown.database = WABOT_COMPONENT_DOWN;
      HealthResponse r = HealthResponse::from(unknown, req.trace_id());
      res.json(r.status, r.body);
      return;
    }
    HealthResponse r = HealthResponse::from(snapshot.value(), req.trace_id());
    res.json(r.status, r.body);
  }

  void openapi(const wabot::HttpRequest&, const wabot::HttpResponse& res) const {
    res.json(200, openapi_document());
  }

  // ---- sessions ----

  void create_session(const wabot::HttpRequest& req, const wabot::HttpResponse& res) const {
    std::optional<ApiError> error;
    auto body = RequestBody::parse(req.body(), error);
    if (!body) return send_error(req, res, *error);
    auto user_id = body->string("userId", true, max_id_chars, error);
    auto agent_id = error ? std::nullopt : body->string("agentId", true, 64, error);
    auto agent_name = error ? std::nullopt : body->string("agentName", true, max_id_chars, error);
    auto api_key = error ? std::nullopt : body->string("apikey", false, max_token_chars, error);
    if (error) return send_error(req, res, *error);
    if (auto e = agent_id_error(*agent_id)) return send_error(req, res, *e);
    // 0: the host's sessions.qr_wait_on_create.
    auto created = sessions().create(*user_id, *agent_id, *agent_name, api_key.value_or(""), 0);
    if (!created) return send_error(req, res, from_status(created.status(), StatusContext{"AGENT_ID_TAKEN"}));
    send_data(req, res, created.value().created ? 201 : 200, session_json(created.value().session, true));
  }

  void list_sessions(const wabot::HttpRequest& req, const wabot::HttpResponse& res) const {
    std::string_view user_id = req.query_param("userId").value_or("");
    std::string_view status = req.query_param("status").value_or("");
    std::string_view cursor = req.query_param("cursor").value_or("");
    if (user_id.size() > max_id_chars) return send_error(req, res, ApiError::invalid("userId is too long", "userId"));
    if (!status.empty() && status != "awaiting_qr" && status != "connected" && status != "disconnected" &&
        status != "auth_failed")
      return send_error(req, res,
                        ApiError::invalid("status must be awaiting_qr, connected, disconnected or auth_failed", "status"));
    if (cursor.size() > 256) return send_error(req, res, ApiError::invalid("cursor is too long", "cursor"));
    uint32_t limit = 50;
    if (auto l = req.query_param("limit")) {
      auto [end, ec] = std::from_chars(l->data(), l->data() + l->size(), limit);
      if (ec != std::errc() || end != l->data() + l->size() || limit < 1 || limit > 500)
        return send_error(req, res, ApiError::invalid("limit must be an integer from 1 to 500", "limit"));
    }
    auto page = sessions().list(user_id, status, cursor, limit);
    if (!page) return send_error(req, res, from_status(page.status(), StatusContext{}));
    Poco::JSON::Array items;
    for (const wabot::SessionInfo& s : page.value().sessions) items.add(session_json(s, false));
    Poco::JSON::Object data(Poco::JSON_PRESERVE_KEY_ORDER);
    data.set("sessions", items);
    data.set("nextCursor", page.value().next_cursor.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(page.value().next_cursor));
    send_data(req, res, 200, data);
  }

  void get_session(const wabot::HttpRequest& req, const wabot::HttpResponse& res) const {
    auto agent_id = req.param("agentId");
    if (auto e = agent_id_error(agent_id)) return send_error(req, res, *e);
    auto session = sessions().get(*agent_id);
    if (!session) return send_error(req, res, from_status(session.status(), StatusContext{}));
    Poco::JSON::Object data = session_json(session.value(), true);
    auto stats = store().agent_stats(*agent_id);
    if (stats) {
      data.set("stats", stats_json(stats.value()));
    } else if (stats.status().code() == WABOT_ERR_NOT_FOUND) {
      data.set("stats", stats_json(wabot::AgentStats{}));  // no activity recorded yet
    } else {
      return send_error(req, res, ApiError::internal("failed to read the stats of " + std::string(*agent_id) + ": " +
                                                         stats.status().message()));
    }
    send_data(req, res, 200, data);
  }

  void delete_session(const wabot::HttpRequest& req, const wabot::HttpResponse& res) const {
    auto agent_id = req.param("agentId");
    if (auto e = agent_id_error(agent_id)) return send_error(req, res, *e);
    bool logout = true;
    if (auto v = req.query_param("logout")) {
      if (*v == "false" || *v == "0") logout = false;
      else if (*v == "true" || *v == "1" || v->empty()) logout = true;
      else return send_error(req, res, ApiError::invalid("logout must be true or false", "logout"));
    }
    auto removed = sessions().remove(*agent_id, logout);
    if (!removed) return send_error(req, res, from_status(removed.status(), StatusContext{}));
    Poco::JSON::Object data(Poco::JSON_PRESERVE_KEY_ORDER);
    data.set("deleted", removed.value());
    send_data(req, res, 200, data);
  }

  void reconnect_session(const wabot::HttpRequest& req, const wabot::HttpResponse& res) const {
    auto agent_id = req.param("agentId");
    if (auto e = agent_id_error(agent_id)) return send_error(req, res, *e);
    auto session = sessions().reconnect(*agent_id, reconnect_qr_wait_ms_);
    if (!session) return send_error(req, res, from_status(session.status(), StatusContext{}));
    send_data(req, res, 200, session_json(session.value(), true));
  }

  void session_qr(const wabot::HttpRequest& req, const wabot::HttpResponse& res) const {
    auto agent_id = req.param("agentId");
    if (auto e = agent_id_error(agent_id)) return send_error(req, res, *e);
    bool with_text = false;
    if (auto f = req.query_param("format")) {
      if (*f == "text") with_text = true;
      else if (*f != "png" && !f->empty()) return send_error(req, res, ApiError::invalid("format must be text", "format"));
    }
    auto qr = sessions().wait_qr(*agent_id, qr_wait_ms_);
    if (!qr) {
      StatusContext context{"ALREADY_CONNECTED", 504, "QR_TIMEOUT"};
      return send_error(req, res, from_status(qr.status(), context));
    }
    Poco::JSON::Object data(Poco::JSON_PRESERVE_KEY_ORDER);
    data.set("qr", qr_json(qr.value(), false));
    data.set("qrUpdatedAt", time_or_null(qr.value().updated_at_ms));
    if (with_text) data.set("text", qr.value().text);
    send_data(req, res, 200, data);
  }

  // ---- agents ----

  // 401 for a missing/wrong token, 404 for an unknown agent. The token never leaves this function.
  std::optional<ApiError> authorize(const wabot::HttpRequest& req, std::string_view agent_id) const {
    std::string_view header = req.header("authorization").value_or("");
    if (!iequals_prefix(header, "Bearer ")) return ApiError::unauthorized("missing Bearer token");
    std::string_view token = header.substr(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    if (token.empty() || token.size() > max_token_chars) return ApiError::unauthorized("missing Bearer token");
    auto match = sessions().check_api_key(agent_id, token);
    if (!match) {
      if (match.status().code() == WABOT_ERR_NOT_FOUND) return from_status(match.status(), StatusContext{});
      // Fail closed: without a check nobody gets in.
      return ApiError::internal("could not check the API key of " + std::string(agent_id) + ": " + match.status().message());
    }
    if (!match.value()) return ApiError::unauthorized("invalid API key for agent " + std::string(agent_id));
    return std::nullopt;
  }

  void send_message(const wabot::HttpRequest& req, const wabot::HttpResponse& res) const {
    auto agent_id = req.param("agentId");
    if (auto e = agent_id_error(agent_id)) return send_error(req, res, *e);
    if (auto e = authorize(req, *agent_id)) return send_error(req, res, *e);
    std::optional<ApiError> error;
    auto body = RequestBody::parse(req.body(), error);
    if (!body) return send_error(req, res, *error);
    auto to = body->string("to", true, 256, error);
    auto text = error ? std::nullopt : body->string("message", true, max_text_chars, error);
    auto quoted = error ? std::nullopt : body->string("quotedMessageId", false, 256, error);
    auto mentions = error ? std::nullopt : body->strings("mentions", max_mentions, error);
    if (error) return send_error(req, res, *error);
    auto to_jid = normalize_jid(*to);
    if (!to_jid) return send_error(req, res, ApiError::invalid("'to' is not a phone number or WhatsApp JID", "to"));
    std::string quoted_id;
    if (quoted && !quoted->empty()) {
      auto id = quoted_stanza_id(*quoted);
      if (!id) return send_error(req, res, ApiError::invalid("'quotedMessageId' is not a message id", "quotedMessageId"));
      quoted_id = *id;
    }
    std::vector<std::string> mention_jids;
    for (const std::string& m : mentions.value_or(std::vector<std::string>{})) {
      auto jid = normalize_jid(m);
      if (!jid) return send_error(req, res, ApiError::invalid("a mention is not a phone number or WhatsApp JID", "mentions"));
      mention_jids.push_back(*jid);
    }
    wabot::TextMessage message{.agent_id = *agent_id, .to = *to_jid, .text = *text, .quoted_message_id = quoted_id,
                               .trace_id = req.trace_id()};
    for (const std::string& m : mention_jids) message.mentions.push_back(m);
    auto sent = messaging().send_text(message);
    if (!sent) return send_error(req, res, from_status(sent.status(), StatusContext{}));
    Poco::JSON::Object data(Poco::JSON_PRESERVE_KEY_ORDER);
    data.set("delivered", true);
    data.set("messageId", sent.value());
    send_data(req, res, 200, data);
  }

  void send_media(const wabot::HttpRequest& req, const wabot::HttpResponse& res) const {
    auto agent_id = req.param("agentId");
    if (auto e = agent_id_error(agent_id)) return send_error(req, res, *e);
    if (auto e = authorize(req, *agent_id)) return send_error(req, res, *e);
    std::optional<ApiError> error;
    auto body = RequestBody::parse(req.body(), error);
    if (!body) return send_error(req, res, *error);
    auto to = body->string("to", true, 256, error);
    auto data = error ? std::nullopt : body->string("data", false, max_base64_chars, error);
    auto url = error ? std::nullopt : body->string("url", false, 8192, error);
    auto caption = error ? std::nullopt : body->string("caption", false, max_caption_chars, error);
    auto file_name = error ? std::nullopt : body->string("filename", false, 255, error);
    auto mime_type = error ? std::nullopt : body->string("mimeType", false, 255, error);
    auto save_to_temp = error ? std::nullopt : body->boolean("save_to_temp", error);
    if (error) return send_error(req, res, *error);
    auto to_jid = normalize_jid(*to);
    if (!to_jid) return send_error(req, res, ApiError::invalid("'to' is not a phone number or WhatsApp JID", "to"));
    if (data.has_value() == url.has_value())
      return send_error(req, res, ApiError::invalid("exactly one of 'data' and 'url' is required", data ? "url" : "data"));

    std::string bytes, found_mime, found_name;
    if (data) {
      Base64Payload decoded = Base64Payload::decode(*data, media_max_bytes_);
      if (decoded.outcome == Base64Payload::Outcome::too_large)
        return send_error(req, res, ApiError{413, "MEDIA_TOO_LARGE", decoded.error, "data"});
      if (decoded.outcome != Base64Payload::Outcome::ok)
        return send_error(req, res, ApiError::invalid("'data' is not valid base64: " + decoded.error, "data"));
      bytes = std::move(decoded.bytes);
      found_mime = decoded.mime_type;
    } else {
      MediaFetcher fetcher(MediaFetchOptions{media_max_bytes_, allow_private_urls_, media_fetch_timeout_ms_, 3});
      MediaFetchResult fetched = fetcher.fetch(*url);
      if (fetched.error) {
        log().warn("media url fetch failed", {{"agent_id", std::string(*agent_id)}, {"error", fetched.error->message}});
        return send_error(req, res, *fetched.error);
      }
      bytes = std::move(fetched.media.bytes);
      found_mime = fetched.media.mime_type;
      found_name = fetched.media.file_name;
    }
    // The body's values win, then what the source said, then the file name's extension.
    std::string name(file_base_name(file_name.value_or(found_name)));
    std::string mime = mime_type.value_or(found_mime);
    if (mime.empty()) mime = mime_from_file_name(name);
    if (mime.empty()) mime = "application/octet-stream";
    if (name.empty()) name = "file." + extension_for_mime(mime);

    // MediaMessage holds views: every string it points at must outlive the send_media call.
    const std::string caption_text = caption.value_or("");
    wabot::MediaMessage message{.agent_id = *agent_id, .to = *to_jid, .data = bytes, .mime_type = mime,
                                .file_name = name, .caption = caption_text, .trace_id = req.trace_id()};
    auto sent = messaging().send_media(message);
    if (!sent) return send_error(req, res, from_status(sent.status(), StatusContext{}));

    Poco::Dynamic::Var preview_path;
    if (save_to_temp.value_or(true)) {
      MediaPreview preview = MediaPreview::write(temp_dir_, *agent_id, mime, bytes);
      if (preview.path.empty()) log().warn("media preview not saved", {{"agent_id", std::string(*agent_id)}, {"error", preview.error}});
      else preview_path = preview.path;
    }
    Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
    out.set("delivered", true);
    out.set("messageId", sent.value());
    out.set("previewPath", preview_path);
    send_data(req, res, 200, out);
  }

  int64_t qr_wait_ms_ = 60'000;
  int64_t reconnect_qr_wait_ms_ = 60'000;
  int64_t media_fetch_timeout_ms_ = 30'000;
  uint64_t media_max_bytes_ = 10'000'000;
  std::string temp_dir_;
  bool allow_private_urls_ = false;
};

}  // namespace rest_api

WABOT_PLUGIN(rest_api::RestApiPlugin, "rest_api", REST_API_VERSION)
