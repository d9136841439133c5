// SPDX-License-Identifier: GPL-3.0-or-later
// SessionManager sends against the simulator and a real Baileys peer (tests/wa_sim/bin/wa-peer.js):
// an image and a document arrive byte-identical (the peer downloads and hashes them), and text and
// media reach a group the peer created (PN and LID addressing), each acked, logged and published.
#include "eventually.hpp"
#include "sha256_hex.hpp"
#include "simulator_settings.hpp"
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/TemporaryFile.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

#include "../support/wa_peer_process.hpp"
#include "host/engine/media/jpeg_thumbnail.hpp"
#include "host/sessions/session_manager.hpp"
#include "host/store/message_log_repository.hpp"
#include "host/store/schema.hpp"
#include "wa_sim_process.hpp"

using namespace wabot;
using namespace wabot::sessions;
using wabot::engine::test::WaSimProcess;
using wabot::test::WaPeerProcess;

namespace {

const char* kAgentPhone = "15557650001";
const char* kPeerPhone = "15557650002";

class SentRecorder {
 public:
  EventSink sink() {
    return [this](const plugins::PluginEvent& e) {
      std::lock_guard lock(mutex_);
      if (e.kind == WABOT_EVENT_MESSAGE_SENT && e.message) sent_.push_back(*e.message);
    };
  }
  std::optional<plugins::MessageData> sent(const std::string& id) {
    std::lock_guard lock(mutex_);
    for (auto& m : sent_)
      if (m.id == id) return m;
    return std::nullopt;
  }

 private:
  std::mutex mutex_;
  std::vector<plugins::MessageData> sent_;
};

using wabot::test::eventually;

using wabot::test::sha256_hex;

}  // namespace

class SessionPeerSimTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SessionPeerSimTest);
  CPPUNIT_TEST(image_and_document_arrive_byte_identical);
  CPPUNIT_TEST(pn_group_text_and_media);
  CPPUNIT_TEST(lid_group_text);
  CPPUNIT_TEST_SUITE_END();

  std::filesystem::path dir_;
  std::shared_ptr<store::Database> db_;
  std::unique_ptr<WaSimProcess> sim_;
  std::unique_ptr<WaPeerProcess> peer_;
  std::unique_ptr<SessionManager> manager_;
  SentRecorder events_;
  std::string peer_jid_;

 public:
  void setUp() override {
    CPPUNIT_ASSERT_MESSAGE("tests/wa_sim/node_modules is missing: run `npm ci` in tests/wa_sim", WaSimProcess::available());
    dir_ = std::filesystem::path(Poco::TemporaryFile::tempName());
    std::filesystem::create_directories(dir_);
    auto opened = store::Database::open("sqlite://" + (dir_ / "wabot.db").string());
    CPPUNIT_ASSERT(opened.ok());
    db_ = std::move(opened.value());
    CPPUNIT_ASSERT(store::migrate(*db_).ok());
    sim_ = std::make_unique<WaSimProcess>();
    peer_ = std::make_unique<WaPeerProcess>(WaSimProcess::sim_dir(), wabot::test::SimulatorSettings::of(*sim_).control_url, sim_->ws_url(),
                                            (dir_ / "peer").string());
    auto paired = peer_->call("pair", WaPeerProcess::args({{"phone", std::string(kPeerPhone)}}));
    peer_jid_ = std::string(kPeerPhone) + "@s.whatsapp.net";
    CPPUNIT_ASSERT(paired->getValue<std::string>("jid").find(kPeerPhone) == 0);

    SessionManagerOptions o;
    wabot::test::SimulatorSettings::of(*sim_).apply(o.engine);
    o.ai_backend_url = "https://ai.example/";
    o.qr_wait_on_create_ms = 20'000;
    o.tune_client = [](engine::client::ClientConfig& c) { c.reconnect_initial_delay_ms = 50; };
    std::string error;
    manager_ = SessionManager::create(db_, o, error);
    CPPUNIT_ASSERT_MESSAGE(error, manager_ != nullptr);
    manager_->set_event_sink(events_.sink());
    pair("bot");
  }

  void tearDown() override {
    manager_.reset();
    peer_.reset();
    sim_.reset();
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void image_and_document_arrive_byte_identical() {
    std::string jpeg = test_jpeg();
    std::string doc(70'001, '\0');  // not a multiple of the AES block
    std::mt19937 rng(7);
    for (auto& c : doc) c = static_cast<char>(rng());

    struct Case {
      std::string mime, file_name, caption, peer_type, log_type;
      const std::string& data;
      wabot_message_type type;
    };
    for (const Case& c : {Case{"image/jpeg", "", "a picture", "image", "image", jpeg, WABOT_MESSAGE_IMAGE},
                          Case{"application/pdf", "report.pdf", "the report", "document", "document", doc, WABOT_MESSAGE_DOCUMENT}}) {
      plugins::MediaSend send{"bot", "+1 555 765-0002", c.data, c.mime, c.file_name, c.caption, "trace-" + c.log_type, 0};
      auto sent = manager_->send_media(send);
      CPPUNIT_ASSERT_MESSAGE(sent.status().to_string(), sent.is_ok());
      const std::string id = sent.value();
      auto got = peer_->call("waitMessage", WaPeerProcess::args({{"messageId", id}, {"timeout_ms", 30000}}));
      CPPUNIT_ASSERT_EQUAL(c.peer_type, got->getValue<std::string>("type"));
      if (!c.file_name.empty()) CPPUNIT_ASSERT_EQUAL(c.file_name, got->getValue<std::string>("fileName"));
      auto dl = peer_->call("download", WaPeerProcess::args({{"messageId", id}}));
      CPPUNIT_ASSERT_EQUAL(sha256_hex(c.data), dl->getValue<std::string>("sha256"));

      // Logged as outgoing with its kind and caption; MESSAGE_SENT carries the trace id and MIME type.
      auto logged = store::MessageLogRepository(*db_).find("bot", id);
      CPPUNIT_ASSERT(logged.ok() && logged->has_value());
      CPPUNIT_ASSERT((*logged)->direction == store::MessageDirection::outgoing);
      CPPUNIT_ASSERT_EQUAL(c.log_type, (*logged)->type);
      CPPUNIT_ASSERT_EQUAL(c.caption, (*logged)->text.value_or(""));
      CPPUNIT_ASSERT_EQUAL(peer_jid_, (*logged)->chat_jid);
      auto event = events_.sent(id);
      CPPUNIT_ASSERT(event.has_value());
      CPPUNIT_ASSERT_EQUAL(int(c.type), int(event->type));
      CPPUNIT_ASSERT_EQUAL(c.mime, event->media_mime_type);
      CPPUNIT_ASSERT(!event->is_group);
    }
    // Bad input is refused before any network work.
    plugins::MediaSend empty{"bot", peer_jid_, "", "image/png", "", "", "", 0};
    CPPUNIT_ASSERT_EQUAL(int(WABOT_ERR_INVALID_ARGUMENT), int(manager_->send_media(empty).status().code()));
    plugins::MediaSend bad_to{"bot", "not a phone", "x", "image/png", "", "", "", 0};
    CPPUNIT_ASSERT_EQUAL(int(WABOT_ERR_INVALID_ARGUMENT), int(manager_->send_media(bad_to).status().code()));
    plugins::MediaSend bad_caption{"bot", peer_jid_, "x", "image/png", "", std::string("\xC3\x28", 2), "", 0};
    CPPUNIT_ASSERT_EQUAL(int(WABOT_ERR_INVALID_ARGUMENT), int(manager_->send_media(bad_caption).status().code()));
    plugins::TextSend bad_text{"bot", peer_jid_, std::string("ok \xFF", 4), "", {}, "", 0};
    CPPUNIT_ASSERT_EQUAL(int(WABOT_ERR_INVALID_ARGUMENT), int(manager_->send_text(bad_text).status().code()));
    plugins::MediaSend unknown{"nobody", peer_jid_, "x", "image/png", "", "", "", 0};
    CPPUNIT_ASSERT_EQUAL(int(WABOT_ERR_NOT_FOUND), int(manager_->send_media(unknown).status().code()));
  }

  void pn_group_text_and_media() {
    const std::string group = create_group("pn");
    send_text_to_group(group, "hello pn group");
    send_text_to_group(group, "again pn group");
    const std::string jpeg = test_jpeg();
    auto sent = manager_->send_media(plugins::MediaSend{"bot", group, jpeg, "image/jpeg", "", "group picture", "", 0});
    CPPUNIT_ASSERT_MESSAGE(sent.status().to_string(), sent.is_ok());
    auto got = peer_->call("waitMessage", WaPeerProcess::args({{"messageId", sent.value()}, {"timeout_ms", 30000}}));
    CPPUNIT_ASSERT_EQUAL(group, got->getValue<std::string>("chat"));
    auto dl = peer_->call("download", WaPeerProcess::args({{"messageId", sent.value()}}));
    CPPUNIT_ASSERT_EQUAL(sha256_hex(jpeg), dl->getValue<std::string>("sha256"));
  }

  void lid_group_text() {
    const std::string group = create_group("lid");
    send_text_to_group(group, "hello lid group");
  }

 private:
  void pair(const std::string& agent) {
    auto created = manager_->create(plugins::SessionCreateRequest{"user-1", agent, "Agent " + agent, "", 0});
    CPPUNIT_ASSERT_MESSAGE(created.status().to_string(), created.is_ok() && created.value().session.qr.has_value());
    std::string body = "{\"qr\":" + WaSimProcess::json_string(created.value().session.qr->text) + ",\"phone\":\"" + kAgentPhone + "\"}";
    auto scanned = sim_->post("/scan", body);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(scanned.second, 200, scanned.first);
    CPPUNIT_ASSERT(eventually([&] {
      auto s = manager_->get(agent);
      return s.is_ok() && s.value().is_ready && s.value().status == "connected";
    }));
    // The messenger is attached on the first `connected` after a pairing: until then sends answer
    // NOT_READY (retryable). A first text, retried while NOT_READY, also opens the 1:1 Signal session.
    Result<std::string> first = Status::error(WABOT_ERR_NOT_READY, "not tried");
    CPPUNIT_ASSERT(eventually([&] {
      first = manager_->send_text(plugins::TextSend{agent, peer_jid_, "hello from " + agent, "", {}, "", 0});
      return first.status().code() != WABOT_ERR_NOT_READY;
    }));
    CPPUNIT_ASSERT_MESSAGE(first.status().to_string(), first.is_ok());
    peer_->call("waitMessage", WaPeerProcess::args({{"text", "hello from " + agent}, {"timeout_ms", 30000}}));
  }

  std::string create_group(const std::string& mode) {
    auto set = sim_->post("/settings", "{\"groupAddressingMode\":\"" + mode + "\"}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(set.second, 200, set.first);
    Poco::JSON::Array::Ptr members = new Poco::JSON::Array;
    members->add(std::string(kAgentPhone) + "@s.whatsapp.net");
    auto a = WaPeerProcess::args({{"subject", "group " + mode}});
    a->set("participants", members);
    auto created = peer_->call("createGroup", a);
    CPPUNIT_ASSERT_EQUAL(mode, created->getValue<std::string>("addressingMode"));
    return created->getValue<std::string>("jid");
  }

  void send_text_to_group(const std::string& group, const std::string& text) {
    auto sent = manager_->send_text(plugins::TextSend{"bot", group, text, "", {}, "", 0});
    CPPUNIT_ASSERT_MESSAGE(sent.status().to_string(), sent.is_ok());
    auto got = peer_->call("waitMessage", WaPeerProcess::args({{"text", text}, {"timeout_ms", 30000}}));
    CPPUNIT_ASSERT_EQUAL(group, got->getValue<std::string>("chat"));
    auto logged = store::MessageLogRepository(*db_).find("bot", sent.value());
    CPPUNIT_ASSERT(logged.ok() && logged->has_value());
    CPPUNIT_ASSERT_EQUAL(group, (*logged)->chat_jid);
    auto event = events_.sent(sent.value());
    CPPUNIT_ASSERT(event.has_value() && event->is_group && event->text == text);
  }

  static std::string test_jpeg() {
    engine::media::RgbImage img;
    img.width = 64, img.height = 48;
    for (std::uint32_t i = 0; i < img.width * img.height; ++i)
      img.pixels.push_back(static_cast<std::uint8_t>(i)), img.pixels.push_back(static_cast<std::uint8_t>(i * 3)), img.pixels.push_back(0x80);
    auto jpeg = engine::media::encode_jpeg(img, 85);
    CPPUNIT_ASSERT(jpeg.ok());
    return std::string(jpeg->begin(), jpeg->end());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SessionPeerSimTest);
