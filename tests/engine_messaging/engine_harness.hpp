// SPDX-License-Identifier: GPL-3.0-or-later
// EngineHarness: the simulator, real Baileys peers and wabot engine agents (client + messenger over a
// SQLite database in a temp dir) for the messaging interop tests and the benchmark.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "../engine_wire/recording_listener.hpp"
#include "../engine_wire/wa_sim_process.hpp"
#include "../support/wa_peer_process.hpp"
#include "host/engine/agent/client_stanza_channel.hpp"
#include "host/engine/agent/messaging_client_listener.hpp"
#include "host/engine/client/client.hpp"
#include "host/engine/messaging/messenger.hpp"
#include "host/engine/signal/signal_address.hpp"
#include "host/store/adapters/database_contact_store.hpp"
#include "host/store/adapters/database_credentials_store.hpp"
#include "host/store/adapters/database_prekey_store.hpp"
#include "host/store/adapters/database_signal_store.hpp"
#include "host/store/database.hpp"
#include "host/store/migration.hpp"
#include "host/store/schema.hpp"

namespace wabot::engine::test {

// Records the messaging layer's events and lets tests wait on conditions.
class MessagingRecorder : public messaging::MessagingListener {
 public:
  void on_message(const messaging::InboundMessage& m) override {
    add([&] { messages_.push_back(m); });
    std::function<void(const messaging::InboundMessage&)> hook;
    {
      std::lock_guard lock(mu_);
      hook = on_message_hook_;
    }
    if (hook) hook(m);  // on the connection's thread, as an application's listener would run
  }
  // Called for every inbound message, after it is recorded (tests that act from inside the callback).
  void set_on_message(std::function<void(const messaging::InboundMessage&)> hook) {
    std::lock_guard lock(mu_);
    on_message_hook_ = std::move(hook);
  }
  void on_receipt(const messaging::ReceiptEvent& r) override { add([&] { receipts_.push_back(r); }); }
  void on_undecryptable(const std::string& id, const Jid&, const std::string& why) override {
    add([&] { undecryptable_.push_back(id + ": " + why); });
  }

  bool wait_message(const std::function<bool(const messaging::InboundMessage&)>& pred,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] {
      for (const auto& m : messages_)
        if (pred(m)) return true;
      return false;
    });
  }
  bool wait_count(const std::function<bool(const messaging::InboundMessage&)>& pred, std::size_t n,
                  std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] {
      std::size_t c = 0;
      for (const auto& m : messages_) c += pred(m);
      return c >= n;
    });
  }
  std::vector<messaging::InboundMessage> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  std::vector<std::string> undecryptable() {
    std::lock_guard lock(mu_);
    return undecryptable_;
  }

 private:
  template <class F>
  void add(F f) {
    {
      std::lock_guard lock(mu_);
      f();
    }
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<messaging::InboundMessage> messages_;
  std::vector<messaging::ReceiptEvent> receipts_;
  std::vector<std::string> undecryptable_;
  std::function<void(const messaging::InboundMessage&)> on_message_hook_;
};

// One wabot agent: database-backed stores, a Client, and a Messenger once linked.
class EngineAgent {
 public:
  EngineAgent(transport::EventLoop& loop, const std::string& db_url, const std::string& agent_id, const std::string& ws_url,
              const crypto::Key32& root_key, std::string media_ca_file = {})
      : agent_id_(agent_id), media_ca_file_(std::move(media_ca_file)) {
    auto db = wabot::store::Database::open(db_url);
    if (!db.ok()) throw std::runtime_error("cannot open " + db_url + ": " + db.error().message);
    db_ = std::move(db.value());
    auto migrated = wabot::store::apply_migrations(*db_, wabot::store::schema_migrations());
    if (!migrated.ok()) throw std::runtime_error("migrations failed: " + migrated.error().message);
    credentials_ = std::make_shared<wabot::store::DatabaseCredentialsStore>(*db_);
    prekeys_ = std::make_shared<wabot::store::DatabasePreKeyStore>(*db_);
    contacts_ = std::make_shared<wabot::store::DatabaseContactStore>(*db_, agent_id_);
    connection_ = std::make_shared<RecordingListener>();
    glue_ = std::make_shared<agent::MessagingClientListener>(connection_);
    client::ClientConfig cfg;
    cfg.agent_id = agent_id;
    cfg.server_url = ws_url;
    cfg.server_root_key = root_key;
    cfg.identity.push_name = "wabot test";
    cfg.reconnect_initial_delay_ms = 50;
    cfg.reconnect_max_delay_ms = 500;
    client_ = client::Client::create(loop, cfg, credentials_, prekeys_, glue_);
    // Linked already (a restart): the messenger is there before the first stanza arrives.
    auto creds = credentials_->load(agent_id);
    if (creds.ok() && creds.value() && creds.value()->is_linked()) make_messenger();
    client_->start();
  }

  ~EngineAgent() {
    glue_->set_messenger(nullptr);
    client_->stop();
    connection_->wait_for([](const auto& ev) {
      for (const auto& e : ev)
        if (e.kind == "state" && e.state == client::ClientState::disconnected) return true;
      return false;
    }, std::chrono::seconds(10));
  }

  // QR pairing through the simulator's /scan as `phone`; then the messenger is created.
  void pair(WaSimProcess& sim, const std::string& phone) {
    if (!connection_->wait_count("qr", 1)) throw std::runtime_error("no QR: " + connection_->summary());
    auto r = sim.post("/scan", "{\"qr\":" + WaSimProcess::json_string(connection_->last_qr()) + ",\"phone\":\"" + phone + "\"}");
    if (r.first != 200) throw std::runtime_error("scan failed: " + r.second);
    if (!connection_->wait_count("connected", 1, std::chrono::seconds(60))) throw std::runtime_error("not connected: " + connection_->summary());
    make_messenger();
  }

  bool wait_connected(std::size_t times = 1) { return connection_->wait_count("connected", times, std::chrono::seconds(60)); }

  // Sends and waits for the server ack (or the error).
  Result<messaging::SentMessage> send_text(const Jid& to, const std::string& text, std::vector<std::string> mentions = {},
                                           std::optional<messaging::QuotedMessage> quoted = std::nullopt) {
    auto done = std::make_shared<std::promise<Result<messaging::SentMessage>>>();
    auto fut = done->get_future();
    messenger_->send_text({to, text, std::move(mentions), std::move(quoted)},
                          [done](Result<messaging::SentMessage> r) { done->set_value(std::move(r)); });
    if (fut.wait_for(std::chrono::seconds(60)) != std::future_status::ready)
      return Error(ErrorCode::timeout, "send callback never ran");
    return fut.get();
  }

  // Uploads and sends media, waiting for the server ack (or the error).
  Result<messaging::SentMessage> send_media(const Jid& to, messaging::OutgoingMedia media) {
    auto done = std::make_shared<std::promise<Result<messaging::SentMessage>>>();
    auto fut = done->get_future();
    messenger_->send_media(to, std::move(media), [done](Result<messaging::SentMessage> r) { done->set_value(std::move(r)); });
    if (fut.wait_for(std::chrono::seconds(90)) != std::future_status::ready) return Error(ErrorCode::timeout, "media send callback never ran");
    return fut.get();
  }

  // Downloads and verifies inbound media, waiting for the result.
  Result<Bytes> download_media(const messaging::MediaDescriptor& d) {
    auto done = std::make_shared<std::promise<Result<Bytes>>>();
    auto fut = done->get_future();
    messenger_->download_media(d, [done](Result<Bytes> r) { done->set_value(std::move(r)); });
    if (fut.wait_for(std::chrono::seconds(90)) != std::future_status::ready) return Error(ErrorCode::timeout, "download callback never ran");
    return fut.get();
  }

  // Drops every Signal session with a user, as a lost or corrupted session store would.
  void forget_sessions(const Jid& user) {
    wabot::store::DatabaseSignalStore store(*db_, agent_id_);
    auto addr = signal::signal_address_for(user.user, user.server, 0);
    if (!addr) throw std::runtime_error("no signal address for " + user.to_string());
    auto st = store.delete_all_sessions(addr->name);
    if (!st.ok()) throw std::runtime_error("delete sessions failed: " + st.error);
  }

  messaging::Messenger& messenger() { return *messenger_; }
  // The agent's LID mappings and privacy tokens as the database holds them.
  wabot::store::DatabaseContactStore& contacts() { return *contacts_; }
  MessagingRecorder& events() { return *events_; }
  std::shared_ptr<MessagingRecorder> events_ptr() { return events_; }
  Jid pn_user() const { return messenger_->own().device_jid.to_non_ad(); }
  Jid lid_user() const { return messenger_->own().lid->to_non_ad(); }

 private:
  void make_messenger() {
    auto creds = credentials_->load(agent_id_);
    if (!creds.ok() || !creds.value()) throw std::runtime_error("no credentials after pairing");
    const auto& c = *creds.value();
    messaging::OwnIdentity own{*c.device_jid, c.lid, c.account, c.registration_id};
    auto store = std::make_shared<wabot::store::DatabaseSignalStore>(*db_, agent_id_);
    auto sig = signal::SignalProtocol::open(store);
    if (!sig) throw std::runtime_error("signal open failed: " + sig.error().message);
    messaging::MessengerConfig cfg;
    cfg.agent_id = agent_id_;
    cfg.push_name = "wabot test";
    cfg.tls_ca_file = media_ca_file_;
    messenger_ = messaging::Messenger::create(cfg, own, std::make_shared<agent::ClientStanzaChannel>(client_),
                                              std::move(sig.value()), events_, contacts_);
    glue_->set_messenger(messenger_);
  }

  std::string agent_id_;
  std::string media_ca_file_;
  std::unique_ptr<wabot::store::Database> db_;
  std::shared_ptr<wabot::store::DatabaseCredentialsStore> credentials_;
  std::shared_ptr<wabot::store::DatabasePreKeyStore> prekeys_;
  std::shared_ptr<wabot::store::DatabaseContactStore> contacts_;
  std::shared_ptr<RecordingListener> connection_;
  std::shared_ptr<agent::MessagingClientListener> glue_;
  std::shared_ptr<client::Client> client_;
  std::shared_ptr<MessagingRecorder> events_ = std::make_shared<MessagingRecorder>();
  std::shared_ptr<messaging::Messenger> messenger_;
};

// A temporary directory removed at the end.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("wabot-msg-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string sim_info(WaSimProcess& sim, const std::string& key) {
  auto info = sim.get("/info");
  auto obj = Poco::JSON::Parser().parse(info.second).extract<Poco::JSON::Object::Ptr>();
  return obj->getValue<std::string>(key);
}
inline std::string control_url(WaSimProcess& sim) { return sim_info(sim, "controlUrl"); }

}  // namespace wabot::engine::test
