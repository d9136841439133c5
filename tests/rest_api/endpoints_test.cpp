// SPDX-License-Identifier: GPL-3.0-or-later
// Every rest_api endpoint and error code of docs/api.md through the SDK's fake host (the plugin's own
// code, the real SDK trampolines), each JSON answer validated against the served OpenAPI document.
#include "media_server.hpp"
#include "openapi_checker.hpp"
#include "openapi_document.hpp"

#include <wabot/testing/fake_host.hpp>

#include <Poco/Base64Encoder.h>
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/TemporaryFile.h>
#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>

extern "C" const wabot_plugin_descriptor* wabot_plugin_v1(void);

namespace {
using Poco::JSON::Object;
using wabot::testing::HttpCall;
using wabot::testing::HttpResult;

Object::Ptr parse(const std::string& body) { return Poco::JSON::Parser().parse(body).extract<Object::Ptr>(); }
std::string b64(const std::string& s) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out);
  enc.rdbuf()->setLineLength(0);
  enc << s;
  enc.close();
  return out.str();
}
std::string error_code(const HttpResult& r) { return parse(r.body)->getObject("error")->getValue<std::string>("code"); }
}  // namespace

class EndpointsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(EndpointsTest);
  CPPUNIT_TEST(documentIsServedAndSelfConsistent);
  CPPUNIT_TEST(checkerCatchesMismatches);
  CPPUNIT_TEST(createSessionNewThenExisting);
  CPPUNIT_TEST(createSessionValidation);
  CPPUNIT_TEST(agentIdTakenIs409);
  CPPUNIT_TEST(getSessionWithStats);
  CPPUNIT_TEST(unknownSessionIs404);
  CPPUNIT_TEST(listSessionsAndFilters);
  CPPUNIT_TEST(deleteSessionKnownAndUnknown);
  CPPUNIT_TEST(reconnect);
  CPPUNIT_TEST(qrAnswersTimeoutsAndConflicts);
  CPPUNIT_TEST(agentAuth);
  CPPUNIT_TEST(sendTextNormalisesEverything);
  CPPUNIT_TEST(sendTextValidation);
  CPPUNIT_TEST(sendErrorsMapToApiCodes);
  CPPUNIT_TEST(mediaBase64);
  CPPUNIT_TEST(mediaValidation);
  CPPUNIT_TEST(mediaFromUrl);
  CPPUNIT_TEST(mediaUrlRefusedAndFailing);
  CPPUNIT_TEST(tokensNeverLogged);
  CPPUNIT_TEST_SUITE_END();

  std::unique_ptr<wabot::testing::FakeHost> host_;
  std::unique_ptr<rest_api_test::OpenApiChecker> checker_;
  std::unique_ptr<Poco::TemporaryFile> temp_;
  rest_api_test::MediaServer media_;

  HttpResult call(const std::string& method, const std::string& path, const std::string& pattern, const std::string& body = "",
                  std::map<std::string, std::string> query = {}, std::map<std::string, std::string> headers = {}) {
    HttpCall c;
    c.method = method;
    c.path = path;
    c.body = body;
    c.query_params = std::move(query);
    c.headers = std::move(headers);
    HttpResult r = host_->call(c);
    std::string lower;
    for (char ch : method) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    std::string problem = checker_->check(pattern, lower, r.status, r.body);
    CPPUNIT_ASSERT_MESSAGE(method + " " + path + " → " + std::to_string(r.status) + ": " + problem + "\n" + r.body, problem.empty());
    return r;
  }
  HttpResult agent_post(const std::string& agent, const std::string& what, const std::string& body,
                        const std::string& token = "key-1") {
    std::map<std::string, std::string> headers;
    if (!token.empty()) headers["authorization"] = "Bearer " + token;
    return call("POST", "/agents/" + agent + "/" + what, "/agents/{agentId}/" + what, body, {}, headers);
  }
  void add_session(const std::string& id, bool connected, const std::string& key = "key-1") {
    wabot::testing::FakeSession s;
    s.user_id = "user-1";
    s.agent_id = id;
    s.agent_name = "Bot " + id;
    s.api_key = key;
    s.connected = connected;
    s.status = connected ? "connected" : "awaiting_qr";
    if (connected) s.me_jid = "6281111111111:3@s.whatsapp.net";
    host_->sessions[id] = s;
  }

 public:
  void setUp() override {
    temp_ = std::make_unique<Poco::TemporaryFile>();
    host_ = std::make_unique<wabot::testing::FakeHost>();
    host_->set_shared("media.max_bytes", "4000");
    host_->set_shared("media.temp_dir", temp_->path());
    host_->set_shared("media.allow_private_urls", "true");
    host_->set_config("media_fetch_timeout", "5s");
    wabot::Status loaded = host_->load(wabot_plugin_v1());
    CPPUNIT_ASSERT_MESSAGE(loaded.message(), loaded.is_ok());
    checker_ = std::make_unique<rest_api_test::OpenApiChecker>(std::string(rest_api::openapi_document()));
  }
  void tearDown() override {
    host_.reset();
    if (Poco::File(temp_->path()).exists()) Poco::File(temp_->path()).remove(true);
  }

  void documentIsServedAndSelfConsistent() {
    HttpResult r = host_->get("/openapi.json");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    Object::Ptr doc = parse(r.body);
    CPPUNIT_ASSERT_EQUAL(std::string("3.0.3"), doc->getValue<std::string>("openapi"));
    CPPUNIT_ASSERT_EQUAL(std::string(""), checker_->check_refs());
    Object::Ptr paths = doc->getObject("paths");
    for (const char* p : {"/health", "/metrics", "/openapi.json", "/sessions", "/sessions/{agentId}", "/sessions/{agentId}/reconnect",
                          "/sessions/{agentId}/qr", "/agents/{agentId}/messages", "/agents/{agentId}/media", "/agents/{agentId}/run"})
      CPPUNIT_ASSERT_MESSAGE(p, paths->has(p));
    // /health validates against its schema too.
    HttpResult h = host_->get("/health");
    CPPUNIT_ASSERT_EQUAL(std::string(""), checker_->check("/health", "get", h.status, h.body));
  }

  void checkerCatchesMismatches() {
    const std::string ok = R"({"data":{"deleted":true},"traceId":"t"})";
    CPPUNIT_ASSERT_EQUAL(std::string(""), checker_->check("/sessions/{agentId}", "delete", 200, ok));
    CPPUNIT_ASSERT(!checker_->check("/sessions/{agentId}", "delete", 200, R"({"data":{"deleted":"yes"},"traceId":"t"})").empty());
    CPPUNIT_ASSERT(!checker_->check("/sessions/{agentId}", "delete", 200, R"({"data":{},"traceId":"t"})").empty());
    CPPUNIT_ASSERT(!checker_->check("/sessions/{agentId}", "delete", 200, R"({"data":{"deleted":true}})").empty());
    CPPUNIT_ASSERT(!checker_->check("/sessions/{agentId}", "delete", 418, ok).empty());
    CPPUNIT_ASSERT(!checker_->check("/sessions/{agentId}", "put", 200, ok).empty());
    const std::string bad_code = R"({"error":{"code":"TEAPOT","message":"m","traceId":"t"}})";
    CPPUNIT_ASSERT(!checker_->check("/sessions/{agentId}", "get", 404, bad_code).empty());
    const std::string null_status = R"({"data":{"userId":"u","agentId":"a","agentName":"n","status":null}})";
    CPPUNIT_ASSERT(!checker_->check("/sessions/{agentId}/reconnect", "post", 200, null_status).empty());
  }

  void createSessionNewThenExisting() {
    HttpResult r = call("POST", "/sessions", "/sessions", R"({"userId":"u1","agentId":"support-bot","agentName":"Support","apikey":"secret-key"})");
    CPPUNIT_ASSERT_EQUAL(201, r.status);
    Object::Ptr data = parse(r.body)->getObject("data");
    CPPUNIT_ASSERT_EQUAL(std::string("support-bot"), data->getValue<std::string>("agentId"));
    CPPUNIT_ASSERT_EQUAL(std::string("awaiting_qr"), data->getValue<std::string>("status"));
    CPPUNIT_ASSERT(r.body.find("secret-key") == std::string::npos);  // never returned
    CPPUNIT_ASSERT_EQUAL(std::string("secret-key"), host_->sessions["support-bot"].api_key);  // passed on
    HttpResult again = call("POST", "/sessions", "/sessions", R"({"userId":"u1","agentId":"support-bot","agentName":"Renamed"})");
    CPPUNIT_ASSERT_EQUAL(200, again.status);
    CPPUNIT_ASSERT_EQUAL(std::string("Renamed"), parse(again.body)->getObject("data")->getValue<std::string>("agentName"));
  }
  void createSessionValidation() {
    for (const char* body : {"", "[]", "{", R"({"agentId":"a","agentName":"n"})", R"({"userId":"u","agentName":"n"})",
                             R"({"userId":"u","agentId":"a"})", R"({"userId":5,"agentId":"a","agentName":"n"})",
                             R"({"userId":"u","agentId":"bad id","agentName":"n"})", R"({"userId":"u","agentId":"a","agentName":"n","apikey":7})",
                             R"({"userId":"","agentId":"a","agentName":"n"})"}) {
      HttpResult r = call("POST", "/sessions", "/sessions", body);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(body, 400, r.status);
      CPPUNIT_ASSERT_EQUAL(std::string("INVALID_PAYLOAD"), error_code(r));
    }
    CPPUNIT_ASSERT(host_->sessions.empty());
    HttpResult r = call("POST", "/sessions", "/sessions", R"({"userId":"u","agentId":"bad id","agentName":"n"})");
    CPPUNIT_ASSERT_EQUAL(std::string("agentId"), parse(r.body)->getObject("error")->getObject("details")->getValue<std::string>("field"));
  }
  void agentIdTakenIs409() {
    add_session("bot", false);
    HttpResult r = call("POST", "/sessions", "/sessions", R"({"userId":"other-user","agentId":"bot","agentName":"x"})");
    CPPUNIT_ASSERT_EQUAL(409, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("AGENT_ID_TAKEN"), error_code(r));
  }
  void getSessionWithStats() {
    add_session("bot", true);
    host_->agent_stats["bot"] = wabot_agent_stats{sizeof(wabot_agent_stats), 7, 3, 2, 1768473000123};
    HttpResult r = call("GET", "/sessions/bot", "/sessions/{agentId}");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    Object::Ptr data = parse(r.body)->getObject("data");
    Object::Ptr stats = data->getObject("stats");
    CPPUNIT_ASSERT_EQUAL(7, stats->getValue<int>("incomingMessages"));
    CPPUNIT_ASSERT_EQUAL(3, stats->getValue<int>("outgoingMessages"));
    CPPUNIT_ASSERT_EQUAL(2, stats->getValue<int>("aiExecutions"));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-01-15T10:30:00.123Z"), stats->getValue<std::string>("lastActivity"));
    Object::Ptr live = data->getObject("liveState");
    CPPUNIT_ASSERT_EQUAL(std::string("6281111111111:3@s.whatsapp.net"), live->getObject("me")->getValue<std::string>("jid"));
    CPPUNIT_ASSERT(live->isNull("qr"));
    CPPUNIT_ASSERT(data->isNull("lastConnectedAt"));
  }
  void unknownSessionIs404() {
    for (auto [m, path, pattern] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"GET", "/sessions/ghost", "/sessions/{agentId}"},
             {"POST", "/sessions/ghost/reconnect", "/sessions/{agentId}/reconnect"},
             {"POST", "/sessions/ghost/qr", "/sessions/{agentId}/qr"}}) {
      HttpResult r = call(m, path, pattern);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 404, r.status);
      CPPUNIT_ASSERT_EQUAL(std::string("SESSION_NOT_FOUND"), error_code(r));
    }
    HttpResult bad = call("GET", "/sessions/bad%20id", "/sessions/{agentId}");
    CPPUNIT_ASSERT_EQUAL(400, bad.status);
  }
  void listSessionsAndFilters() {
    add_session("a", true);
    add_session("b", false);
    HttpResult r = call("GET", "/sessions", "/sessions");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    Object::Ptr data = parse(r.body)->getObject("data");
    CPPUNIT_ASSERT_EQUAL(size_t(2), data->getArray("sessions")->size());
    CPPUNIT_ASSERT(data->isNull("nextCursor"));
    for (auto q : std::vector<std::map<std::string, std::string>>{{{"limit", "0"}}, {{"limit", "501"}}, {{"limit", "x"}},
                                                                 {{"status", "bogus"}}}) {
      HttpResult bad = call("GET", "/sessions", "/sessions", "", q);
      CPPUNIT_ASSERT_EQUAL(400, bad.status);
    }
    CPPUNIT_ASSERT_EQUAL(200, call("GET", "/sessions", "/sessions", "", {{"limit", "500"}, {"status", "connected"}}).status);
  }
  void deleteSessionKnownAndUnknown() {
    add_session("bot", true);
    HttpResult r = call("DELETE", "/sessions/bot", "/sessions/{agentId}", "", {{"logout", "false"}});
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    CPPUNIT_ASSERT(parse(r.body)->getObject("data")->getValue<bool>("deleted"));
    CPPUNIT_ASSERT(host_->sessions.empty());
    HttpResult again = call("DELETE", "/sessions/bot", "/sessions/{agentId}");
    CPPUNIT_ASSERT_EQUAL(200, again.status);
    CPPUNIT_ASSERT(!parse(again.body)->getObject("data")->getValue<bool>("deleted"));
    CPPUNIT_ASSERT_EQUAL(400, call("DELETE", "/sessions/bot", "/sessions/{agentId}", "", {{"logout", "maybe"}}).status);
  }
  void reconnect() {
    add_session("bot", false);
    host_->sessions["bot"].qr_text = "2@ref,noise,identity,adv";
    HttpResult r = call("POST", "/sessions/bot/reconnect", "/sessions/{agentId}/reconnect");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    CPPUNIT_ASSERT(!parse(r.body)->getObject("data")->getObject("liveState")->isNull("qr"));
  }
  void qrAnswersTimeoutsAndConflicts() {
    add_session("bot", false);
    HttpResult none = call("POST", "/sessions/bot/qr", "/sessions/{agentId}/qr");
    CPPUNIT_ASSERT_EQUAL(504, none.status);
    CPPUNIT_ASSERT_EQUAL(std::string("QR_TIMEOUT"), error_code(none));
    host_->sessions["bot"].qr_text = "2@ref,noise,identity,adv";
    HttpResult png = call("POST", "/sessions/bot/qr", "/sessions/{agentId}/qr");
    CPPUNIT_ASSERT_EQUAL(200, png.status);
    Object::Ptr data = parse(png.body)->getObject("data");
    CPPUNIT_ASSERT_EQUAL(std::string("image/png"), data->getObject("qr")->getValue<std::string>("contentType"));
    CPPUNIT_ASSERT(!data->has("text"));
    HttpResult text = call("POST", "/sessions/bot/qr", "/sessions/{agentId}/qr", "", {{"format", "text"}});
    CPPUNIT_ASSERT_EQUAL(std::string("2@ref,noise,identity,adv"), parse(text.body)->getObject("data")->getValue<std::string>("text"));
    host_->sessions["bot"].connected = true;
    HttpResult open = call("POST", "/sessions/bot/qr", "/sessions/{agentId}/qr");
    CPPUNIT_ASSERT_EQUAL(409, open.status);
    CPPUNIT_ASSERT_EQUAL(std::string("ALREADY_CONNECTED"), error_code(open));
  }
  void agentAuth() {
    add_session("bot", true, "key-1");
    add_session("nokey", true, "");
    const std::string body = R"({"to":"6281234567890","message":"hi"})";
    HttpResult missing = agent_post("bot", "messages", body, "");
    CPPUNIT_ASSERT_EQUAL(401, missing.status);
    CPPUNIT_ASSERT_EQUAL(std::string("UNAUTHORIZED"), error_code(missing));
    CPPUNIT_ASSERT_EQUAL(401, agent_post("bot", "messages", body, "key-2").status);
    CPPUNIT_ASSERT_EQUAL(401, agent_post("bot", "messages", body, "key-").status);
    CPPUNIT_ASSERT_EQUAL(401, agent_post("nokey", "messages", body, "anything").status);  // null key: nobody
    CPPUNIT_ASSERT_EQUAL(401, agent_post("bot", "media", R"({"to":"6281234567890","data":"aGk="})", "nope").status);
    HttpResult basic = call("POST", "/agents/bot/messages", "/agents/{agentId}/messages", body, {}, {{"authorization", "Basic a2V5LTE="}});
    CPPUNIT_ASSERT_EQUAL(401, basic.status);
    HttpResult ghost = agent_post("ghost", "messages", body);
    CPPUNIT_ASSERT_EQUAL(404, ghost.status);
    CPPUNIT_ASSERT_EQUAL(std::string("SESSION_NOT_FOUND"), error_code(ghost));
    CPPUNIT_ASSERT(host_->sent_texts.empty());
    // The scheme is case-insensitive; a rotated key (the host re-read api_keys) works on the next call.
    HttpResult lower = call("POST", "/agents/bot/messages", "/agents/{agentId}/messages", body, {}, {{"authorization", "bearer key-1"}});
    CPPUNIT_ASSERT_EQUAL(200, lower.status);
    host_->sessions["bot"].api_key = "rotated";
    CPPUNIT_ASSERT_EQUAL(401, agent_post("bot", "messages", body, "key-1").status);
    CPPUNIT_ASSERT_EQUAL(200, agent_post("bot", "messages", body, "rotated").status);
  }
  void sendTextNormalisesEverything() {
    add_session("bot", true);
    HttpResult r = agent_post("bot", "messages",
                              R"({"to":"+62 812-3456-7890","message":"halo","quotedMessageId":"true_6281234567890@c.us_3EB0AABBCC","mentions":["6289876543210@c.us","+62 811 1111 1111"]})");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    Object::Ptr data = parse(r.body)->getObject("data");
    CPPUNIT_ASSERT(data->getValue<bool>("delivered"));
    CPPUNIT_ASSERT_EQUAL(host_->sent_texts.back().message_id, data->getValue<std::string>("messageId"));
    const auto& sent = host_->sent_texts.back();
    CPPUNIT_ASSERT_EQUAL(std::string("6281234567890@s.whatsapp.net"), sent.to);
    CPPUNIT_ASSERT_EQUAL(std::string("halo"), sent.text);
    CPPUNIT_ASSERT_EQUAL(std::string("3EB0AABBCC"), sent.quoted_message_id);
    CPPUNIT_ASSERT_EQUAL(size_t(2), sent.mentions.size());
    CPPUNIT_ASSERT_EQUAL(std::string("6289876543210@s.whatsapp.net"), sent.mentions[0]);
    CPPUNIT_ASSERT_EQUAL(std::string("6281111111111@s.whatsapp.net"), sent.mentions[1]);
    CPPUNIT_ASSERT_EQUAL(std::string("trace-test"), sent.trace_id);
    CPPUNIT_ASSERT_EQUAL(200, agent_post("bot", "messages", R"({"to":"120363025246125486@g.us","message":"grup"})").status);
    CPPUNIT_ASSERT_EQUAL(std::string("120363025246125486@g.us"), host_->sent_texts.back().to);
  }
  void sendTextValidation() {
    add_session("bot", true);
    for (const char* body : {"", "nope", R"({"message":"x"})", R"({"to":"6281234567890"})", R"({"to":"6281234567890","message":""})",
                             R"({"to":"abc","message":"x"})", R"({"to":"6281234567890","message":5})",
                             R"({"to":"6281234567890","message":"x","quotedMessageId":"true_bad_x"})",
                             R"({"to":"6281234567890","message":"x","mentions":"6281"})",
                             R"({"to":"6281234567890","message":"x","mentions":["nobody"]})"}) {
      HttpResult r = agent_post("bot", "messages", body);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(body, 400, r.status);
      CPPUNIT_ASSERT_EQUAL(std::string("INVALID_PAYLOAD"), error_code(r));
    }
    CPPUNIT_ASSERT(host_->sent_texts.empty());
    CPPUNIT_ASSERT_EQUAL(400, agent_post("bad$id", "messages", R"({"to":"6281234567890","message":"x"})").status);
  }
  void sendErrorsMapToApiCodes() {
    add_session("bot", true);
    const std::string body = R"({"to":"6281234567890","message":"x"})";
    for (auto [status, http, code] : std::vector<std::tuple<wabot_status, int, std::string>>{
             {WABOT_ERR_RATE_LIMITED, 429, "RATE_LIMITED"},
             {WABOT_ERR_NOT_READY, 409, "SESSION_NOT_READY"},
             {WABOT_ERR_BAD_GATEWAY, 502, "BAD_GATEWAY"},
             {WABOT_ERR_NOT_FOUND, 404, "SESSION_NOT_FOUND"},
             {WABOT_ERR_INTERNAL, 500, "INTERNAL_ERROR"}}) {
      host_->send_status = status;
      HttpResult r = agent_post("bot", "messages", body);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(code, http, r.status);
      CPPUNIT_ASSERT_EQUAL(code, error_code(r));
      HttpResult m = agent_post("bot", "media", R"({"to":"6281234567890","data":"aGk="})");
      CPPUNIT_ASSERT_EQUAL_MESSAGE(code, http, m.status);
    }
  }
  void mediaBase64() {
    add_session("bot", true);
    std::string bytes = rest_api_test::media_bytes();
    HttpResult r = agent_post("bot", "media", R"({"to":"6281234567890@c.us","data":")" + b64(bytes) +
                                                  R"(","mimeType":"image/jpeg","caption":"foto","filename":"../../etc/x.jpg"})");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    const auto& sent = host_->sent_media.back();
    CPPUNIT_ASSERT(sent.data == bytes);
    CPPUNIT_ASSERT_EQUAL(std::string("image/jpeg"), sent.mime_type);
    CPPUNIT_ASSERT_EQUAL(std::string("x.jpg"), sent.file_name);  // a name, never a path
    CPPUNIT_ASSERT_EQUAL(std::string("foto"), sent.caption);
    Object::Ptr data = parse(r.body)->getObject("data");
    std::string preview = data->getValue<std::string>("previewPath");
    CPPUNIT_ASSERT(preview.rfind(temp_->path() + "/wabot-bot-", 0) == 0);
    std::ifstream in(preview, std::ios::binary);
    std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CPPUNIT_ASSERT(written == bytes);
    HttpResult no_preview = agent_post("bot", "media", R"({"to":"6281234567890","data":"aGk=","save_to_temp":false})");
    CPPUNIT_ASSERT_EQUAL(200, no_preview.status);
    CPPUNIT_ASSERT(parse(no_preview.body)->getObject("data")->isNull("previewPath"));
    CPPUNIT_ASSERT_EQUAL(std::string("application/octet-stream"), host_->sent_media.back().mime_type);
    CPPUNIT_ASSERT_EQUAL(std::string("file.bin"), host_->sent_media.back().file_name);
  }
  void mediaValidation() {
    add_session("bot", true);
    for (const char* body : {R"({"to":"6281234567890"})", R"({"to":"6281234567890","data":"aGk=","url":"http://x/y"})",
                             R"({"to":"6281234567890","data":"***"})", R"({"to":"x","data":"aGk="})",
                             R"({"to":"6281234567890","data":"aGk=","save_to_temp":"no"})", R"({"to":"6281234567890","url":"ftp://x/y"})"}) {
      HttpResult r = agent_post("bot", "media", body);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(body, 400, r.status);
    }
    HttpResult big = agent_post("bot", "media", R"({"to":"6281234567890","data":")" + b64(std::string(4001, 'a')) + "\"}");
    CPPUNIT_ASSERT_EQUAL(413, big.status);
    CPPUNIT_ASSERT_EQUAL(std::string("MEDIA_TOO_LARGE"), error_code(big));
    CPPUNIT_ASSERT_EQUAL(200, agent_post("bot", "media", R"({"to":"6281234567890","data":")" + b64(std::string(4000, 'a')) + "\"}").status);
  }
  void mediaFromUrl() {
    add_session("bot", true);
    HttpResult r = agent_post("bot", "media", R"({"to":"6281234567890","url":")" + media_.url("/img.png") + R"(","caption":"c"})");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    CPPUNIT_ASSERT(host_->sent_media.back().data == rest_api_test::media_bytes());
    CPPUNIT_ASSERT_EQUAL(std::string("image/png"), host_->sent_media.back().mime_type);
    CPPUNIT_ASSERT_EQUAL(std::string("img.png"), host_->sent_media.back().file_name);
    HttpResult pdf = agent_post("bot", "media", R"({"to":"6281234567890","url":")" + media_.url("/files/report") + R"("})");
    CPPUNIT_ASSERT_EQUAL(200, pdf.status);
    CPPUNIT_ASSERT_EQUAL(std::string("application/pdf"), host_->sent_media.back().mime_type);
    CPPUNIT_ASSERT_EQUAL(std::string("report.pdf"), host_->sent_media.back().file_name);
    HttpResult named = agent_post("bot", "media", R"({"to":"6281234567890","url":")" + media_.url("/song.mp3") +
                                                      R"(","mimeType":"audio/ogg","filename":"voice.ogg"})");
    CPPUNIT_ASSERT_EQUAL(200, named.status);
    CPPUNIT_ASSERT_EQUAL(std::string("audio/ogg"), host_->sent_media.back().mime_type);  // the body wins
    CPPUNIT_ASSERT_EQUAL(std::string("voice.ogg"), host_->sent_media.back().file_name);
  }
  void mediaUrlRefusedAndFailing() {
    add_session("bot", true);
    HttpResult big = agent_post("bot", "media", R"({"to":"6281234567890","url":")" + media_.url("/big") + R"("})");
    CPPUNIT_ASSERT_EQUAL(413, big.status);
    HttpResult liar = agent_post("bot", "media", R"({"to":"6281234567890","url":")" + media_.url("/liar") + R"("})");
    CPPUNIT_ASSERT_EQUAL(413, liar.status);
    HttpResult missing = agent_post("bot", "media", R"({"to":"6281234567890","url":")" + media_.url("/missing") + R"("})");
    CPPUNIT_ASSERT_EQUAL(502, missing.status);
    CPPUNIT_ASSERT_EQUAL(std::string("BAD_GATEWAY"), error_code(missing));
    CPPUNIT_ASSERT(host_->sent_media.empty());
    // The same URL with the default media.allow_private_urls (false): 400.
    auto strict = std::make_unique<wabot::testing::FakeHost>();
    host_.reset();
    host_ = std::move(strict);
    CPPUNIT_ASSERT(host_->load(wabot_plugin_v1()).is_ok());
    add_session("bot", true);
    HttpResult refused = agent_post("bot", "media", R"({"to":"6281234567890","url":")" + media_.url("/img.png") + R"("})");
    CPPUNIT_ASSERT_EQUAL(400, refused.status);
    CPPUNIT_ASSERT_EQUAL(std::string("INVALID_PAYLOAD"), error_code(refused));
  }
  void tokensNeverLogged() {
    add_session("bot", true, "top-secret-token");
    agent_post("bot", "messages", R"({"to":"6281234567890","message":"x"})", "wrong-secret-token");
    agent_post("bot", "messages", R"({"to":"6281234567890","message":"x"})", "top-secret-token");
    call("POST", "/sessions", "/sessions", R"({"userId":"u","agentId":"b2","agentName":"n","apikey":"api-secret-xyz"})");
    for (const auto& line : host_->logs) {
      std::string all = line.message;
      for (const auto& [k, v] : line.fields) all += k + "=" + v;
      CPPUNIT_ASSERT(all.find("secret") == std::string::npos);
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EndpointsTest);
