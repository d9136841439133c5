// SPDX-License-Identifier: GPL-3.0-or-later
// SessionManager: the sessions/messaging backends over the engine clients, the store and the plugins.
#include "host/sessions/session_manager.hpp"

#include <atomic>
#include <cctype>
#include <chrono>
#include <future>
#include <set>

#include <Poco/TextIterator.h>
#include <Poco/UTF8Encoding.h>
#include <boost/asio/post.hpp>
#include <openssl/crypto.h>

#include "host/common/log.hpp"
#include "host/engine/agent/client_stanza_channel.hpp"
#include "host/engine/agent/messaging_client_listener.hpp"
#include "host/engine/messaging/messenger.hpp"
#include "host/engine/transport/event_loop.hpp"
#include "host/sessions/inbound_replay.hpp"
#include "host/sessions/recipient.hpp"
#include "host/sessions/session_state_map.hpp"
#include "host/store/adapters/database_contact_store.hpp"
#include "host/store/adapters/database_credentials_store.hpp"
#include "host/store/adapters/database_prekey_store.hpp"
#include "host/store/adapters/database_signal_store.hpp"
#include "host/store/api_key_repository.hpp"
#include "host/store/message_log_repository.hpp"
#include "host/store/whatsapp_user_repository.hpp"

namespace wabot::sessions {

using engine::client::ClientState;
using engine::client::DisconnectReason;
using Clock = std::chrono::steady_clock;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Clock::time_point deadline_after(std::int64_t ms) { return Clock::now() + std::chrono::milliseconds(ms < 0 ? 0 : ms); }

Status fail(wabot_status code, std::string message) { return Status::error(code, std::move(message)); }

Status store_failure(const std::string& what, const store::Error& error) {
  return fail(WABOT_ERR_INTERNAL, what + ": " + error.message);
}

Status not_found(std::string_view agent_id) {
  return fail(WABOT_ERR_NOT_FOUND, "SESSION_NOT_FOUND: no session for agent " + std::string(agent_id));
}

}  // namespace

// State shared by the manager and every client listener: a listener may outlive the manager by the
// few events a stopping client still emits, so it holds this by weak_ptr.
class SessionManager::Core : public std::enable_shared_from_this<SessionManager::Core> {
 public:
  std::shared_ptr<store::Database> db;
  SessionManagerOptions options;
  engine::client::ClientConfig client_template;
  std::shared_ptr<store::DatabaseCredentialsStore> credentials;
  std::shared_ptr<store::DatabasePreKeyStore> prekeys;

  void set_sink(EventSink sink) {
    std::vector<plugins::PluginEvent> held;
    {
      std::lock_guard lock(sink_mutex_);
      sink_ = std::move(sink);
      if (sink_) held.swap(held_inbound_);
    }
    // Inbound messages logged before the plugins were there (the sessions resume first).
    for (const auto& event : held) publish(event);
  }

  void publish(const plugins::PluginEvent& event) {
    EventSink sink;
    {
      std::lock_guard lock(sink_mutex_);
      sink = sink_;
      // No sink yet: an inbound message (it has a completion) waits for it, bounded; one beyond the
      // bound stays "received" in the log and is replayed at the next start.
      if (!sink && event.on_dispatched) {
        if (held_inbound_.size() < kMaxHeldInbound) held_inbound_.push_back(event);
        else log::warn("sessions: no plugins yet and too many messages held, left for the next start",
                       {{"agent", event.agent_id}, {"message_id", event.message ? event.message->id : std::string()}});
        return;
      }
    }
    if (!sink) return;
    try {
      sink(event);
    } catch (const std::exception& e) {
      log::warn("sessions: publishing an event failed", {{"agent", event.agent_id}, {"error", e.what()}});
    }
  }

  // (ABI 1.2 health) One inbound message of `agent_id` the engine could not decrypt. Kept per agent
  // for the life of the host (one entry per agent that ever had a failure), so the totals never go down.
  void count_decrypt_failure(const std::string& agent_id) {
    std::lock_guard lock(health_mutex_);
    ++decrypt_failures_total_;
    ++decrypt_failures_[agent_id];
  }

  // The host-wide total and `agent_id`'s count of undecryptable messages.
  std::uint64_t decrypt_failures_total() const {
    std::lock_guard lock(health_mutex_);
    return decrypt_failures_total_;
  }
  std::uint64_t decrypt_failures(const std::string& agent_id) const {
    std::lock_guard lock(health_mutex_);
    auto it = decrypt_failures_.find(agent_id);
    return it == decrypt_failures_.end() ? 0 : it->second;
  }

  void persist(const std::string& agent_id, store::SessionStatus status) {
    store::WhatsappUserRepository users(*db);
    auto r = users.update_status(agent_id, status);
    if (!r) {
      log::error("sessions: failed to persist status", {{"agent", agent_id},
                                                         {"status", store::session_status_name(status)},
                                                         {"error", r.error().message}});
    }
  }

  void log_message(const store::LoggedMessage& message) {
    store::MessageLogRepository log_repo(*db);
    auto r = log_repo.append(message);
    if (!r) {
      log::error("sessions: failed to log a message", {{"agent", message.agent_id},
                                                      {"message_id", message.message_id},
                                                      {"error", r.error().message}});
    }
  }

  enum class Logged { unset = 0, stored, duplicate, failed };
  // Appends an inbound message to the log ("received"); a store failure is logged and the message
  // still published (it is then not durable).
  Logged log_inbound(const store::LoggedMessage& message) {
    store::MessageLogRepository log_repo(*db);
    auto r = log_repo.append(message);
    if (!r) {
      log::error("sessions: failed to log a message", {{"agent", message.agent_id},
                                                      {"message_id", message.message_id},
                                                      {"error", r.error().message}});
      return Logged::failed;
    }
    return *r ? Logged::stored : Logged::duplicate;
  }

  // Publishes an inbound MESSAGE_RECEIVED event; once every plugin is done with it, its log row
  // becomes "dispatched" (also when a queue dropped it or a hook failed: logged, with which). A
  // plugin stopped before running it leaves it "received", for the replay at the next start.
  void publish_inbound(plugins::PluginEvent event) {
    std::weak_ptr<Core> weak = weak_from_this();
    std::string agent = event.agent_id, id = event.message ? event.message->id : std::string();
    bool replayed = event.message && (event.message->flags & WABOT_MESSAGE_FLAG_REPLAYED) != 0;
    event.on_dispatched = [weak, agent, id, replayed](const plugins::DispatchReport& report) {
      auto core = weak.lock();
      if (!core) return;
      if (!report.stopped.empty()) {
        log::warn("sessions: message not dispatched, a plugin stopped first (replayed at the next start)",
                  {{"agent", agent}, {"message_id", id}, {"plugins", report.summary()}});
        return;
      }
      if (!report.complete())
        log::warn("sessions: message dispatched with losses", {{"agent", agent}, {"message_id", id},
                                                                {"plugins", report.summary()},
                                                                {"replayed", replayed ? "true" : "false"}});
      core->update_message_status(agent, id, "dispatched");
    };
    publish(event);
  }

  // Once per agent per process, when its messenger is up: publishes again what an earlier process
  // logged but did not see dispatched, younger than sessions.replay_max_age.
  void replay_inbound_once(const std::string& agent_id) {
    {
      std::lock_guard lock(replay_mutex_);
      if (!replayed_agents_.insert(agent_id).second) return;
    }
    if (options.replay_max_age_ms <= 0) return;
    InboundReplayWindow window;
    window.from_ms = now_ms() - options.replay_max_age_ms;
    window.before_ms = started_at_ms_;
    auto replayed = replay_inbound(*db, agent_id, window, now_ms(), [this](plugins::PluginEvent e) { publish_inbound(std::move(e)); });
    if (!replayed) {
      log::error("sessions: failed to replay undispatched messages", {{"agent", agent_id}, {"error", replayed.error().message}});
    } else if (*replayed > 0) {
      log::info("sessions: replayed undispatched messages", {{"agent", agent_id}, {"count", std::to_string(*replayed)}});
    }
  }

  void update_message_status(const std::string& agent_id, const std::string& message_id, std::string_view status) {
    store::MessageLogRepository log_repo(*db);
    if (auto r = log_repo.update_status(agent_id, message_id, status); !r)
      log::warn("sessions: failed to update a message status", {{"agent", agent_id}, {"error", r.error().message}});
  }

  // Creates the Signal messenger of a linked client (generation `generation` of `session`).
  void make_messenger(const std::shared_ptr<Session>& session, std::uint64_t generation);

  // Whether the agent has linked device credentials (it then logs in without a QR).
  engine::Result<bool> linked(const std::string& agent_id) {
    auto loaded = credentials->load(agent_id);
    if (!loaded.ok()) return loaded.error();
    return loaded->has_value() && (*loaded)->is_linked();
  }

 private:
  std::int64_t started_at_ms_ = now_ms();  // rows logged earlier belong to an earlier process
  std::mutex replay_mutex_;                // guards replayed_agents_
  std::set<std::string, std::less<>> replayed_agents_;
  static constexpr std::size_t kMaxHeldInbound = 10'000;
  std::mutex sink_mutex_;
  EventSink sink_;
  std::vector<plugins::PluginEvent> held_inbound_;  // inbound events published before the sink was set
  mutable std::mutex health_mutex_;  // guards the decrypt failure counts
  std::uint64_t decrypt_failures_total_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> decrypt_failures_;
};

namespace {

// The client's events for one session (called on the client's strand, one at a time).
class SessionListener final : public engine::client::ClientListener {
 public:
  SessionListener(std::weak_ptr<SessionManager::Core> core, std::weak_ptr<Session> session)
      : core_(std::move(core)), session_(std::move(session)) {}

  void set_generation(std::uint64_t generation) { generation_ = generation; }

  void on_state(ClientState state, DisconnectReason reason, const std::string& detail) override {
    auto core = core_.lock();
    auto session = session_.lock();
    if (!core || !session) return;
    ClientState previous = ClientState::unset;
    if (!session->on_state(generation_, state, previous)) return;
    if (is_terminal(state)) session->drop_messenger();
    const std::string& agent = session->agent_id();
    log::info("session state", {{"agent", agent},
                                {"state", engine::client::state_name(state)},
                                {"reason", engine::client::reason_name(reason)},
                                {"detail", detail}});
    if (auto status = persisted_status(state, session->logging_out())) core->persist(agent, *status);
    plugins::PluginEvent event;
    event.kind = WABOT_EVENT_SESSION_STATE;
    event.agent_id = agent;
    event.timestamp_ms = now_ms();
    plugins::SessionStateData data;
    data.previous = live_state(previous);
    data.current = live_state(state);
    data.reason = std::string(engine::client::reason_name(reason));
    if (!detail.empty()) data.reason += ": " + detail;
    event.session_state = std::move(data);
    core->publish(event);
  }

  void on_qr(const std::string& text, const std::vector<std::uint8_t>& png) override {
    auto core = core_.lock();
    auto session = session_.lock();
    if (!core || !session) return;
    QrCode qr;
    qr.text = text;
    qr.png.assign(png.begin(), png.end());
    qr.updated_at_ms = now_ms();
    // The client shows the first ref longer than the later ones (transport.md §5).
    std::int64_t lifetime_ms = qr_count_++ == 0 ? core->client_template.qr_first_ref_lifetime_ms
                                                : core->client_template.qr_next_ref_lifetime_ms;
    qr.expires_at_ms = qr.updated_at_ms + lifetime_ms;
    if (!session->on_qr(generation_, qr)) return;
    plugins::PluginEvent event;
    event.kind = WABOT_EVENT_QR_UPDATED;
    event.agent_id = session->agent_id();
    event.timestamp_ms = qr.updated_at_ms;
    event.qr = plugins::QrData{qr.text, qr.png, qr.updated_at_ms, qr.expires_at_ms};
    core->publish(event);
  }

  void on_paired(const engine::Jid& device_jid, const engine::Jid& lid, const std::string& push_name) override {
    if (auto session = session_.lock())
      session->set_me(generation_, device_jid.to_string(), device_jid.user, push_name, lid.to_string());
  }

  void on_connected() override {
    auto core = core_.lock();
    auto session = session_.lock();
    if (!core || !session) return;
    session->set_connected_at(generation_, now_ms());
    // A fresh pairing has no messenger yet (a resumed login got one before start). This one stays on
    // the strand, once per pairing: stanzas that follow must find the messenger in place. It comes
    // first, so sends are possible as soon as possible after `connected`.
    if (!session->messenger()) core->make_messenger(session, generation_);
    // Who we are comes from the credentials (a resumed login has no pairing event): a database read,
    // so it runs on the store executor, not on this loop thread shared with every other agent.
    const std::uint64_t generation = generation_;
    std::weak_ptr<SessionManager::Core> weak_core = core_;
    std::weak_ptr<Session> weak_session = session_;
    const bool taken = engine::client::default_store_executor()->post([weak_core, weak_session, generation] {
      auto core = weak_core.lock();
      auto session = weak_session.lock();
      if (!core || !session) return;
      auto loaded = core->credentials->load(session->agent_id());
      if (!loaded.ok()) {
        log::warn("sessions: cannot read who we are", {{"agent", session->agent_id()}, {"error", loaded.error().message}});
        return;
      }
      if (loaded->has_value() && (*loaded)->device_jid) {
        const auto& creds = **loaded;
        session->set_me(generation, creds.device_jid->to_string(), creds.device_jid->user, creds.push_name,
                        creds.lid ? creds.lid->to_string() : std::string());
      }
    });
    if (!taken) log::warn("sessions: the store executor is full; our JID shows after the next login", {{"agent", session->agent_id()}});

    if (auto messenger = session->messenger()) {
      messenger->send_presence_available();
      // One indexed read, once per agent and process, kept on the strand so the replayed (older)
      // messages reach the plugins before any that arrive after this login.
      core->replay_inbound_once(session->agent_id());
    }
  }

 private:
  std::weak_ptr<SessionManager::Core> core_;
  std::weak_ptr<Session> session_;
  std::uint64_t generation_ = 0;
  std::uint64_t qr_count_ = 0;
};

// The messaging layer's events of one agent: inbound messages and receipts go to the message log and
// to the plugins (sends are logged and published by send_text, which knows the text).
class SessionMessagingListener final : public engine::messaging::MessagingListener {
 public:
  SessionMessagingListener(std::weak_ptr<SessionManager::Core> core, std::string agent_id)
      : core_(std::move(core)), agent_id_(std::move(agent_id)) {}

  void on_message(const engine::messaging::InboundMessage& m) override {
    if (m.is_protocol) return;  // key shares, history sync notices: nothing a bot reports
    auto core = core_.lock();
    if (!core) return;
    plugins::MessageData data;
    data.id = m.id;
    data.chat_jid = m.chat.to_string();
    data.sender_jid = m.sender.to_non_ad().to_string();
    data.push_name = m.push_name;
    data.type = message_type(m);
    data.text = m.text;
    data.quoted_message_id = m.quoted_id;
    data.mentioned_jids = m.mentions;
    if (m.media) data.media_mime_type = m.media->mimetype;
    data.timestamp_ms = m.timestamp_s * 1000;
    data.is_group = m.is_group;
    data.is_from_me = m.from_me;
    // Durable inbound path: logged before the engine sends the receipt; a redelivery of a logged
    // message is not published again (the replay at start covers one not yet dispatched).
    if (core->log_inbound(log_row_of(agent_id_, data, now_ms())) == SessionManager::Core::Logged::duplicate) {
      log::info("sessions: redelivered message already logged, not published again",
                {{"agent", agent_id_}, {"message_id", m.id}});
      return;
    }
    plugins::PluginEvent event;
    event.kind = WABOT_EVENT_MESSAGE_RECEIVED;
    event.agent_id = agent_id_;
    event.timestamp_ms = now_ms();
    event.message = std::move(data);
    core->publish_inbound(std::move(event));
  }

  void on_receipt(const engine::messaging::ReceiptEvent& r) override {
    auto core = core_.lock();
    if (!core) return;
    plugins::ReceiptData data;
    data.chat_jid = r.chat.to_string();
    data.sender_jid = r.participant ? r.participant->to_string() : data.chat_jid;
    data.message_ids = r.ids;
    data.type = r.type.empty() ? WABOT_RECEIPT_DELIVERED
                : r.type == "read" || r.type == "read-self" ? WABOT_RECEIPT_READ
                : r.type == "played" || r.type == "played-self" ? WABOT_RECEIPT_PLAYED
                                                                 : WABOT_RECEIPT_OTHER;
    data.timestamp_ms = r.timestamp_s * 1000;
    if (data.type == WABOT_RECEIPT_DELIVERED || data.type == WABOT_RECEIPT_READ) {
      for (const auto& id : r.ids)
        core->update_message_status(agent_id_, id, data.type == WABOT_RECEIPT_READ ? "read" : "delivered");
    }
    plugins::PluginEvent event;
    event.kind = WABOT_EVENT_RECEIPT;
    event.agent_id = agent_id_;
    event.timestamp_ms = now_ms();
    event.receipt = std::move(data);
    core->publish(event);
  }

  void on_undecryptable(const std::string& id, const engine::Jid& from, const std::string& why) override {
    log::warn("sessions: undecryptable message", {{"agent", agent_id_}, {"message_id", id}, {"from", from.to_string()}, {"why", why}});
    if (auto core = core_.lock()) core->count_decrypt_failure(agent_id_);
  }

 private:
  static wabot_message_type message_type(const engine::messaging::InboundMessage& m) {
    if (!m.media) return m.text.empty() ? WABOT_MESSAGE_OTHER : WABOT_MESSAGE_TEXT;
    switch (m.media->kind) {
      case engine::messaging::MediaKind::image: return WABOT_MESSAGE_IMAGE;
      case engine::messaging::MediaKind::video: return WABOT_MESSAGE_VIDEO;
      case engine::messaging::MediaKind::audio: return WABOT_MESSAGE_AUDIO;
      case engine::messaging::MediaKind::document: return WABOT_MESSAGE_DOCUMENT;
      case engine::messaging::MediaKind::sticker: return WABOT_MESSAGE_STICKER;
      default: return WABOT_MESSAGE_OTHER;
    }
  }

  std::weak_ptr<SessionManager::Core> core_;
  std::string agent_id_;
};

}  // namespace

void SessionManager::Core::make_messenger(const std::shared_ptr<Session>& session, std::uint64_t generation) {
  const std::string& agent = session->agent_id();
  auto loaded = credentials->load(agent);
  if (!loaded.ok() || !loaded->has_value() || !(*loaded)->is_linked()) {
    log::error("sessions: no linked credentials for the messenger",
               {{"agent", agent}, {"error", loaded.ok() ? "not linked" : loaded.error().message}});
    return;
  }
  const auto& creds = **loaded;
  auto client = session->client();
  if (!client) return;
  auto signal_store = std::make_shared<store::DatabaseSignalStore>(*db, agent);
  auto signal = engine::signal::SignalProtocol::open(signal_store);
  if (!signal) {
    log::error("sessions: failed to open the Signal store", {{"agent", agent}, {"error", signal.error().message}});
    return;
  }
  engine::messaging::MessengerConfig config;
  config.agent_id = agent;
  config.push_name = client_template.identity.push_name;
  config.send_timeout_ms = options.send_timeout_ms;
  // Media hosts are verified like the chat server: the system store plus whatsapp.tls_ca_file.
  config.tls_ca_file = options.engine.tls_ca_file;
  engine::messaging::OwnIdentity own{*creds.device_jid, creds.lid, creds.account, creds.registration_id};
  auto messenger = engine::messaging::Messenger::create(config, std::move(own),
                                                        std::make_shared<engine::agent::ClientStanzaChannel>(client),
                                                        std::move(signal.value()),
                                                        std::make_shared<SessionMessagingListener>(weak_from_this(), agent),
                                                        std::make_shared<store::DatabaseContactStore>(*db, agent));
  session->set_messenger(generation, messenger);
}

std::unique_ptr<SessionManager> SessionManager::create(std::shared_ptr<store::Database> database, SessionManagerOptions options,
                                                       std::string& error) {
  if (!database) {
    error = "sessions: no database";
    return nullptr;
  }
  // The process's fixed helper pools, started now rather than by the first agent: credential IO and
  // media transfers run there, never on the loop threads (their size does not grow with agents).
  (void)engine::client::default_store_executor();
  (void)engine::messaging::default_media_executor();
  auto config = make_client_config(options.engine);
  if (!config.ok()) {
    error = "sessions: " + config.error().message;
    return nullptr;
  }
  if (options.loop_threads < 1 || options.loop_threads > 32) {
    error = "sessions: the event loop needs 1..32 threads";
    return nullptr;
  }
  auto core = std::make_shared<Core>();
  core->db = database;
  core->client_template = std::move(config.value());
  if (options.tune_client) options.tune_client(core->client_template);
  core->options = std::move(options);
  core->credentials = std::make_shared<store::DatabaseCredentialsStore>(*database);
  core->prekeys = std::make_shared<store::DatabasePreKeyStore>(*database);
  auto loop = std::make_unique<engine::transport::EventLoop>(core->options.loop_threads);
  if (!core->options.engine.tls_ca_file.empty()) {
    boost::system::error_code ec;
    loop->tls_context().load_verify_file(core->options.engine.tls_ca_file, ec);
    if (ec) {
      error = "sessions: whatsapp.tls_ca_file " + core->options.engine.tls_ca_file + ": " + ec.message();
      return nullptr;
    }
  }
  return std::unique_ptr<SessionManager>(new SessionManager(std::move(core), std::move(loop)));
}

SessionManager::SessionManager(std::shared_ptr<Core> core, std::unique_ptr<engine::transport::EventLoop> loop)
    : core_(std::move(core)), loop_(std::move(loop)) {}

SessionManager::~SessionManager() {
  shutdown();
  std::lock_guard lock(mutex_);
  sessions_.clear();  // the clients go before the loop they belong to
}

void SessionManager::set_event_sink(EventSink sink) { core_->set_sink(std::move(sink)); }

std::string SessionManager::resume_all(std::size_t& started) {
  started = 0;
  store::WhatsappUserRepository users(*core_->db);
  std::optional<std::string> cursor;
  do {
    auto page = users.list({}, cursor, store::WhatsappUserRepository::kMaxPageSize);
    if (!page) return "sessions: failed to list sessions to resume: " + page.error().message;
    for (const auto& user : page->users) {
      auto linked = core_->linked(user.agent_id);
      if (!linked.ok()) {
        log::error("sessions: cannot resume agent", {{"agent", user.agent_id}, {"error", linked.error().message}});
        continue;
      }
      if (!*linked) continue;
      auto session = find_or_add(user.agent_id);
      if (!session) return "sessions: shutting down";
      std::lock_guard lifecycle(session->lifecycle_mutex());
      ensure_running(session);
      ++started;
    }
    cursor = page->next_cursor;
  } while (cursor);
  log::info("sessions resumed", {{"agents", std::to_string(started)}});
  return "";
}

void SessionManager::shutdown() {
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard lock(mutex_);
    if (shut_down_) return;
    shut_down_ = true;
    for (auto& [id, s] : sessions_) sessions.push_back(s);
  }
  core_->set_sink(nullptr);  // the plugins are stopped before the sessions
  // Ask every client to stop first, then wait: the closes run in parallel on the loop.
  for (auto& s : sessions) {
    s->limiter().shutdown();
    if (auto c = s->client(); c && !is_terminal(c->state())) c->stop();
  }
  auto deadline = deadline_after(core_->options.stop_wait_ms);
  for (auto& s : sessions) {
    auto c = s->client();
    if (!c) continue;
    if (!s->wait_until(deadline, [&](const LiveState&) { return is_terminal(c->state()); }))
      log::warn("sessions: a client did not stop in time", {{"agent", s->agent_id()}});
  }
  loop_->stop();
  for (auto& s : sessions) s->drop_messenger();
  log::info("sessions stopped", {{"agents", std::to_string(sessions.size())}});
}

plugins::SessionCounts SessionManager::counts() const {
  plugins::SessionCounts counts;
  counts.decrypt_failures = core_->decrypt_failures_total();
  std::lock_guard lock(mutex_);
  counts.agents.reserve(sessions_.size());
  for (auto& [id, s] : sessions_) {  // a std::map: sorted by agent id
    plugins::AgentHealth agent;
    agent.agent_id = id;
    agent.decrypt_failures = core_->decrypt_failures(id);
    agent.sends_queued = s->limiter().waiting();
    counts.sends_queued += agent.sends_queued;
    counts.agents.push_back(std::move(agent));
    auto c = s->client();
    if (!c) continue;
    ++counts.sessions;
    if (c->state() == ClientState::connected) ++counts.connected;
  }
  return counts;
}

std::shared_ptr<Session> SessionManager::find(std::string_view agent_id) const {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(agent_id);
  return it == sessions_.end() ? nullptr : it->second;
}

std::shared_ptr<Session> SessionManager::find_or_add(const std::string& agent_id) {
  std::lock_guard lock(mutex_);
  if (shut_down_) return nullptr;
  auto& slot = sessions_[agent_id];
  if (!slot) slot = std::make_shared<Session>(agent_id, core_->options.rate_limit);
  return slot;
}

void SessionManager::ensure_running(const std::shared_ptr<Session>& session) {
  auto client = session->client();
  if (client && !is_terminal(client->state())) return;
  start_client(session);
}

void SessionManager::start_client(const std::shared_ptr<Session>& session) {
  engine::client::ClientConfig config = core_->client_template;
  config.agent_id = session->agent_id();
  auto listener = std::make_shared<SessionListener>(core_, session);
  auto glue = std::make_shared<engine::agent::MessagingClientListener>(listener);
  auto client = engine::client::Client::create(*loop_, std::move(config), core_->credentials, core_->prekeys, glue);
  session->set_logging_out(false);
  // The generation is set before start(): no event can arrive earlier.
  std::uint64_t generation = session->attach(client, glue);
  listener->set_generation(generation);
  // Linked: the messenger is there before the first stanza (the offline queue follows the login).
  auto linked = core_->linked(session->agent_id());
  if (linked.ok() && *linked) core_->make_messenger(session, generation);
  client->start();
}

void SessionManager::stop_client(const std::shared_ptr<Session>& session) {
  auto client = session->client();
  if (!client) return;
  if (!is_terminal(client->state())) client->stop();
  if (!session->wait_until(deadline_after(core_->options.stop_wait_ms),
                           [&](const LiveState&) { return is_terminal(client->state()); }))
    log::warn("sessions: the client did not stop in time", {{"agent", session->agent_id()}});
}

void SessionManager::wait_for_first_qr(const std::shared_ptr<Session>& session, std::int64_t wait_ms) {
  if (wait_ms <= 0) wait_ms = core_->options.qr_wait_on_create_ms;
  auto client = session->client();
  session->wait_until(deadline_after(wait_ms), [&](const LiveState& live) {
    return live.qr.has_value() || live.state == ClientState::pairing || live.state == ClientState::connected ||
           (client && is_terminal(client->state()));
  });
}

Result<SessionInfo> SessionManager::info(std::string_view agent_id, bool with_qr) {
  store::WhatsappUserRepository users(*core_->db);
  auto row = users.get(agent_id);
  if (!row) return store_failure("failed to read session " + std::string(agent_id), row.error());
  if (!*row) return not_found(agent_id);
  const store::WhatsappUser& user = **row;
  SessionInfo info;
  info.user_id = user.user_id;
  info.agent_id = user.agent_id;
  info.agent_name = user.agent_name;
  info.status = std::string(store::session_status_name(user.status));
  info.endpoint_url_run = user.endpoint_url_run.value_or("");
  info.last_connected_at_ms = user.last_connected_at_ms.value_or(0);
  info.last_disconnected_at_ms = user.last_disconnected_at_ms.value_or(0);
  info.created_at_ms = user.created_at_ms;
  info.updated_at_ms = user.updated_at_ms;
  if (auto session = find(agent_id)) {
    LiveState live = session->snapshot(with_qr);
    info.has_client = live.has_client;
    // Ready means a send can go: the client state turns connected a moment before on_connected
    // gives a fresh pairing its messenger, and a send in between got SESSION_NOT_READY.
    info.is_ready = live.state == ClientState::connected && session->messenger() != nullptr;
    info.session_state = live_state(live.state);
    info.qr = std::move(live.qr);
    info.connected_at_ms = live.connected_at_ms;
    info.me_jid = live.me_jid;
    info.me_phone = live.me_phone;
    info.me_push_name = live.me_push_name;
    info.me_lid = live.me_lid;
  }
  return info;
}

Result<CreatedSession> SessionManager::create(const plugins::SessionCreateRequest& request) {
  if (request.user_id.empty() || request.agent_id.empty() || request.agent_name.empty())
    return fail(WABOT_ERR_INVALID_ARGUMENT, "userId, agentId and agentName are required");
  // 1. The API key: the user's newest active key in api_keys, else the one given.
  std::optional<std::string> api_key;
  store::ApiKeyRepository keys(*core_->db);
  auto token = keys.newest_active_token(request.user_id);
  if (!token) {
    log::warn("sessions: api_keys lookup failed; using the request's key",
              {{"agent", request.agent_id}, {"error", token.error().message}});
  } else if (*token) {
    api_key = **token;
  }
  if (!api_key && !request.api_key.empty()) api_key = request.api_key;
  // 2. The whatsapp_user upsert (api.md).
  store::WhatsappUserRepository users(*core_->db);
  store::WhatsappUserUpsert upsert;
  upsert.user_id = request.user_id;
  upsert.agent_id = request.agent_id;
  upsert.agent_name = request.agent_name;
  upsert.api_key = api_key;
  std::string base = core_->options.ai_backend_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  upsert.default_endpoint_url_run = base + "/agents/" + request.agent_id + "/execute";
  auto outcome = users.upsert(upsert);
  if (!outcome) {
    if (outcome.error().code == store::ErrorCode::agent_id_taken)
      return fail(WABOT_ERR_ALREADY_EXISTS, "AGENT_ID_TAKEN: agent " + request.agent_id + " belongs to another user");
    return store_failure("failed to save session " + request.agent_id, outcome.error());
  }
  // 3. The client: stored linked credentials log in; otherwise wait for the first QR.
  auto session = find_or_add(request.agent_id);
  if (!session) return fail(WABOT_ERR_NOT_READY, "sessions are shutting down");
  {
    std::lock_guard lifecycle(session->lifecycle_mutex());
    ensure_running(session);
  }
  auto linked = core_->linked(request.agent_id);
  if (!linked.ok()) return fail(WABOT_ERR_INTERNAL, "failed to read credentials of " + request.agent_id + ": " + linked.error().message);
  if (!*linked) wait_for_first_qr(session, request.qr_wait_ms);
  auto got = info(request.agent_id, true);
  if (!got) return got.status();
  return CreatedSession{std::move(got.value()), outcome->created};
}

Result<SessionInfo> SessionManager::get(std::string_view agent_id) { return info(agent_id, true); }

Result<SessionPage> SessionManager::list(const plugins::SessionFilter& filter) {
  store::WhatsappUserFilter f;
  if (!filter.user_id.empty()) f.user_id = filter.user_id;
  if (!filter.status.empty()) {
    f.status = store::parse_session_status(filter.status);
    if (!f.status)
      return fail(WABOT_ERR_INVALID_ARGUMENT, "status must be awaiting_qr, connected, disconnected or auth_failed");
  }
  int limit = static_cast<int>(std::min<uint32_t>(std::max<uint32_t>(filter.limit, 1), store::WhatsappUserRepository::kMaxPageSize));
  std::optional<std::string> cursor;
  if (!filter.cursor.empty()) cursor = filter.cursor;
  store::WhatsappUserRepository users(*core_->db);
  auto page = users.list(f, cursor, limit);
  if (!page) {
    if (page.error().code == store::ErrorCode::invalid_argument) return fail(WABOT_ERR_INVALID_ARGUMENT, page.error().message);
    return store_failure("failed to list sessions", page.error());
  }
  SessionPage out;
  for (const auto& user : page->users) {
    auto one = info(user.agent_id, false);
    if (one) out.sessions.push_back(std::move(one.value()));  // a row deleted meanwhile is skipped
  }
  out.next_cursor = page->next_cursor.value_or("");
  return out;
}

Result<bool> SessionManager::remove(std::string_view agent_id_view, bool logout) {
  const std::string agent_id(agent_id_view);
  store::WhatsappUserRepository users(*core_->db);
  auto row = users.get(agent_id);
  if (!row) return store_failure("failed to read session " + agent_id, row.error());
  auto session = find(agent_id);
  if (!*row && !session) return false;
  if (logout) {
    auto linked = core_->linked(agent_id);
    if (!session && linked.ok() && *linked) session = find_or_add(agent_id);
    if (session) {
      std::lock_guard lifecycle(session->lifecycle_mutex());
      auto client = session->client();
      // Unlinking needs an open connection: a stopped agent with a linked device connects first.
      if ((!client || is_terminal(client->state())) && linked.ok() && *linked) {
        start_client(session);
        client = session->client();
        session->wait_until(deadline_after(core_->options.stop_wait_ms), [&](const LiveState& live) {
          return live.state == ClientState::connected || is_terminal(client->state());
        });
      }
      if (client && !is_terminal(client->state())) {
        session->set_logging_out(true);
        client->logout();
        if (!session->wait_until(deadline_after(core_->options.stop_wait_ms + core_->client_template.logout_timeout_ms),
                                 [&](const LiveState&) { return is_terminal(client->state()); }))
          log::warn("sessions: logout did not finish in time", {{"agent", agent_id}});
        stop_client(session);
      }
    }
    // Whatever the server said, no key of this device stays behind.
    if (auto cleared = core_->credentials->clear(agent_id); !cleared.ok())
      return fail(WABOT_ERR_INTERNAL, "failed to delete credentials of " + agent_id + ": " + cleared.error().message);
  } else if (session) {
    std::lock_guard lifecycle(session->lifecycle_mutex());
    stop_client(session);
  }
  {
    std::lock_guard lock(mutex_);
    sessions_.erase(agent_id);
  }
  if (session) session->limiter().shutdown();  // queued sends of a deleted agent end now
  auto removed = users.remove(agent_id);
  if (!removed) return store_failure("failed to delete session " + agent_id, removed.error());
  log::info("session deleted", {{"agent", agent_id}, {"logout", logout ? "true" : "false"}});
  return true;
}

Result<SessionInfo> SessionManager::reconnect(std::string_view agent_id_view, int64_t qr_wait_ms) {
  const std::string agent_id(agent_id_view);
  store::WhatsappUserRepository users(*core_->db);
  auto row = users.get(agent_id);
  if (!row) return store_failure("failed to read session " + agent_id, row.error());
  if (!*row) return not_found(agent_id);
  auto session = find_or_add(agent_id);
  if (!session) return fail(WABOT_ERR_NOT_READY, "sessions are shutting down");
  {
    std::lock_guard lifecycle(session->lifecycle_mutex());
    stop_client(session);
    if (auto cleared = core_->credentials->clear(agent_id); !cleared.ok())
      return fail(WABOT_ERR_INTERNAL, "failed to delete credentials of " + agent_id + ": " + cleared.error().message);
    start_client(session);
  }
  wait_for_first_qr(session, qr_wait_ms);
  return info(agent_id, true);
}

Result<QrCode> SessionManager::wait_qr(std::string_view agent_id_view, int64_t timeout_ms) {
  const std::string agent_id(agent_id_view);
  store::WhatsappUserRepository users(*core_->db);
  auto row = users.get(agent_id);
  if (!row) return store_failure("failed to read session " + agent_id, row.error());
  if (!*row) return not_found(agent_id);
  auto session = find_or_add(agent_id);
  if (!session) return fail(WABOT_ERR_NOT_READY, "sessions are shutting down");
  auto already_connected = [&] {
    return fail(WABOT_ERR_ALREADY_EXISTS, "ALREADY_CONNECTED: agent " + agent_id + " is paired and connected");
  };
  {
    std::lock_guard lifecycle(session->lifecycle_mutex());
    LiveState live = session->snapshot(true);
    if (live.state == ClientState::connected) return already_connected();
    if (live.qr && live.qr->expires_at_ms > now_ms()) return *live.qr;
    ensure_running(session);
  }
  if (timeout_ms <= 0) timeout_ms = 60'000;
  auto client = session->client();
  session->wait_until(deadline_after(timeout_ms), [&](const LiveState& live) {
    return (live.qr && live.qr->expires_at_ms > now_ms()) || live.state == ClientState::connected ||
           (client && is_terminal(client->state()));
  });
  LiveState live = session->snapshot(true);
  if (live.qr && live.qr->expires_at_ms > now_ms()) return *live.qr;
  if (live.state == ClientState::connected) return already_connected();
  return fail(WABOT_ERR_TIMEOUT, "QR_TIMEOUT: no QR for agent " + agent_id + " within " + std::to_string(timeout_ms) + " ms");
}

Result<std::string> SessionManager::api_key(std::string_view agent_id_view) {
  const std::string agent_id(agent_id_view);
  store::WhatsappUserRepository users(*core_->db);
  auto row = users.get(agent_id);
  if (!row) return store_failure("failed to read session " + agent_id, row.error());
  if (!*row) return not_found(agent_id);
  return (**row).api_key.value_or(std::string());
}

Result<bool> SessionManager::check_api_key(std::string_view agent_id_view, std::string_view token) {
  const std::string agent_id(agent_id_view);
  store::WhatsappUserRepository users(*core_->db);
  auto row = users.get(agent_id);
  if (!row) return store_failure("failed to read session " + agent_id, row.error());
  if (!*row) return not_found(agent_id);
  const auto& stored = (**row).api_key;
  // CRYPTO_memcmp: the time does not depend on where the bytes differ (only the length can leak).
  bool match = stored && !token.empty() && stored->size() == token.size() &&
               CRYPTO_memcmp(stored->data(), token.data(), token.size()) == 0;
  if (match) return true;
  {
    std::lock_guard lock(refresh_mutex_);
    auto now = Clock::now();
    auto it = last_key_refresh_.find(agent_id);
    if (it != last_key_refresh_.end() && now - it->second < std::chrono::seconds(10)) return false;
    last_key_refresh_[agent_id] = now;
  }
  {
    std::lock_guard lock(mutex_);
    if (shut_down_) return false;
  }
  // The re-read runs on the engine loop so the caller's 401 is not delayed by it.
  std::weak_ptr<Core> weak = core_;
  boost::asio::post(loop_->context(), [weak, agent_id, user_id = (**row).user_id, stored] {
    auto core = weak.lock();
    if (!core) return;
    store::ApiKeyRepository keys(*core->db);
    auto token = keys.newest_active_token(user_id);
    if (!token) {
      log::warn("sessions: api_keys re-read failed", {{"agent", agent_id}, {"error", token.error().message}});
      return;
    }
    if (!*token || *token == stored) return;  // nothing newer: keep the stored key
    store::WhatsappUserRepository users(*core->db);
    if (auto r = users.update_api_key(agent_id, *token); !r)
      log::warn("sessions: failed to store the rotated api key", {{"agent", agent_id}, {"error", r.error().message}});
    else
      log::info("sessions: api key updated from api_keys", {{"agent", agent_id}});
  });
  return false;
}

Result<std::string> SessionManager::admit_send(const std::string& agent_id, std::shared_ptr<Session>& session) {
  session = find(agent_id);
  if (!session) {
    store::WhatsappUserRepository users(*core_->db);
    auto row = users.get(agent_id);
    if (!row) return store_failure("failed to read session " + agent_id, row.error());
    if (!*row) return not_found(agent_id);
    return fail(WABOT_ERR_NOT_READY, "SESSION_NOT_READY: agent " + agent_id + " has no running WhatsApp client");
  }
  // Every send of the agent shares this budget; a full queue is refused at once.
  switch (session->limiter().acquire()) {
    case SendLimiter::Admission::granted: break;
    case SendLimiter::Admission::queue_full:
      return fail(WABOT_ERR_RATE_LIMITED, "RATE_LIMITED: the send queue of agent " + agent_id + " is full");
    default: return fail(WABOT_ERR_NOT_READY, "SESSION_NOT_READY: agent " + agent_id + " is shutting down");
  }
  auto client = session->client();
  if (!client || client->state() != ClientState::connected)
    return fail(WABOT_ERR_NOT_READY, "SESSION_NOT_READY: agent " + agent_id + " is not connected");
  return std::string();
}

namespace {

// WhatsApp's message fields are protobuf strings (UTF-8) and the message log stores text: a text,
// caption or file name that is not UTF-8 is refused before any network work.
bool is_utf8(const std::string& text) {
  Poco::UTF8Encoding utf8;
  Poco::TextIterator it(text, utf8), end(text);
  for (; it != end; ++it)
    if (*it < 0) return false;
  return true;
}

}  // namespace

Result<std::string> SessionManager::send_text(const plugins::TextSend& send) {
  if (send.to.empty() || send.text.empty()) return fail(WABOT_ERR_INVALID_ARGUMENT, "to and text are required");
  if (!is_utf8(send.text)) return fail(WABOT_ERR_INVALID_ARGUMENT, "text is not valid UTF-8");
  auto to = parse_recipient(send.to);
  if (!to.ok()) return fail(WABOT_ERR_INVALID_ARGUMENT, "invalid recipient: " + to.error().message);
  std::vector<std::string> mentions;
  for (const auto& m : send.mentions) {
    auto jid = parse_recipient(m);
    if (!jid.ok() || jid->is_group()) return fail(WABOT_ERR_INVALID_ARGUMENT, "invalid mention: " + m);
    mentions.push_back(jid->to_string());
  }
  std::optional<engine::messaging::QuotedMessage> quoted;
  if (!send.quoted_message_id.empty()) {
    std::string id = quoted_stanza_id(send.quoted_message_id);
    if (id.empty()) return fail(WABOT_ERR_INVALID_ARGUMENT, "invalid quotedMessageId");
    engine::messaging::QuotedMessage q;
    q.id = id;
    // A message found in the log is quoted with its content, an unknown one by id only (api.md).
    store::MessageLogRepository log_repo(*core_->db);
    auto found = log_repo.find(send.agent_id, id);
    if (found.ok() && found->has_value()) {
      const auto& m = **found;
      q.text = m.text.value_or("");
      if (m.direction == store::MessageDirection::incoming) q.participant = m.sender_jid;
      if (m.chat_jid != to->to_string()) q.remote_jid = m.chat_jid;
    }
    quoted = std::move(q);
  }
  std::shared_ptr<Session> session;
  if (auto admitted = admit_send(send.agent_id, session); !admitted) return admitted;
  auto messenger = session->messenger();
  if (!messenger) return fail(WABOT_ERR_NOT_READY, "SESSION_NOT_READY: agent " + send.agent_id + " has no messaging session yet");

  // The messenger completes on the server ack; the caller blocks (its HTTP call stays open) until then.
  auto done = std::make_shared<std::promise<engine::Result<engine::messaging::SentMessage>>>();
  auto future = done->get_future();
  engine::messaging::OutgoingText out{to.value(), send.text, mentions, quoted};
  messenger->send_text(std::move(out), [done](engine::Result<engine::messaging::SentMessage> r) { done->set_value(std::move(r)); });
  std::int64_t timeout_ms = send.timeout_ms > 0 ? send.timeout_ms : core_->options.send_timeout_ms;
  // The messenger has its own send timeout; this bound only guards against a callback that never runs.
  if (future.wait_for(std::chrono::milliseconds(timeout_ms + 5'000)) != std::future_status::ready)
    return fail(WABOT_ERR_TIMEOUT, "no server ack for the message of agent " + send.agent_id + " within " + std::to_string(timeout_ms) + " ms");
  auto sent = future.get();
  if (!sent.ok()) {
    if (sent.error().code == engine::ErrorCode::timeout)
      return fail(WABOT_ERR_TIMEOUT, "no server ack for the message of agent " + send.agent_id + ": " + sent.error().message);
    return fail(WABOT_ERR_BAD_GATEWAY, "WhatsApp did not take the message of agent " + send.agent_id + ": " + sent.error().message);
  }
  const auto& ack = sent.value();
  SentRecord record{send.agent_id, send.trace_id, to->to_string(), to->is_group(), "text", WABOT_MESSAGE_TEXT,
                    send.text, {}, quoted ? quoted->id : std::string(), mentions};
  record_sent(session, ack, record);
  return ack.id;
}

namespace {

// api.md: image/video/audio by MIME type, a document otherwise (stickers are not sent by the API).
engine::messaging::MediaKind media_kind_of(std::string_view mime_type) {
  auto starts = [&](std::string_view prefix) {
    if (mime_type.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(mime_type[i])) != prefix[i]) return false;
    return true;
  };
  if (starts("image/")) return engine::messaging::MediaKind::image;
  if (starts("video/")) return engine::messaging::MediaKind::video;
  if (starts("audio/")) return engine::messaging::MediaKind::audio;
  return engine::messaging::MediaKind::document;
}

wabot_message_type message_type_of(engine::messaging::MediaKind kind) {
  switch (kind) {
    case engine::messaging::MediaKind::image: return WABOT_MESSAGE_IMAGE;
    case engine::messaging::MediaKind::video: return WABOT_MESSAGE_VIDEO;
    case engine::messaging::MediaKind::audio: return WABOT_MESSAGE_AUDIO;
    case engine::messaging::MediaKind::document: return WABOT_MESSAGE_DOCUMENT;
    case engine::messaging::MediaKind::sticker: return WABOT_MESSAGE_STICKER;
    default: return WABOT_MESSAGE_OTHER;
  }
}

}  // namespace

void SessionManager::record_sent(const std::shared_ptr<Session>& session, const engine::messaging::SentMessage& ack,
                                 const SentRecord& r) {
  std::int64_t at_ms = ack.server_timestamp_s > 0 ? ack.server_timestamp_s * 1000 : now_ms();
  store::LoggedMessage logged;
  logged.agent_id = r.agent_id;
  logged.message_id = ack.id;
  logged.chat_jid = r.chat_jid;
  logged.sender_jid = session->snapshot(false).me_jid;
  logged.direction = store::MessageDirection::outgoing;
  logged.type = r.log_type;
  if (!r.text.empty()) logged.text = r.text;
  if (!r.quoted_id.empty()) logged.quoted_id = r.quoted_id;
  logged.timestamp_ms = at_ms;
  logged.status = "sent";
  core_->log_message(logged);
  plugins::PluginEvent event;
  event.kind = WABOT_EVENT_MESSAGE_SENT;
  event.agent_id = r.agent_id;
  event.trace_id = r.trace_id;
  event.timestamp_ms = now_ms();
  plugins::MessageData data;
  data.id = ack.id;
  data.chat_jid = logged.chat_jid;
  data.sender_jid = logged.sender_jid;
  data.type = r.type;
  data.text = r.text;
  data.media_mime_type = r.mime_type;
  data.quoted_message_id = r.quoted_id;
  data.mentioned_jids = r.mentions;
  data.timestamp_ms = at_ms;
  data.is_group = r.is_group;
  data.is_from_me = true;
  event.message = std::move(data);
  core_->publish(event);
}

Result<std::string> SessionManager::send_media(const plugins::MediaSend& send) {
  if (send.to.empty() || send.data.empty()) return fail(WABOT_ERR_INVALID_ARGUMENT, "to and data are required");
  if (!is_utf8(send.caption) || !is_utf8(send.file_name))
    return fail(WABOT_ERR_INVALID_ARGUMENT, "caption and file name must be valid UTF-8");
  auto to = parse_recipient(send.to);
  if (!to.ok()) return fail(WABOT_ERR_INVALID_ARGUMENT, "invalid recipient: " + to.error().message);
  engine::messaging::OutgoingMedia media;
  media.kind = media_kind_of(send.mime_type);
  // No MIME type: a document of unknown content, as WhatsApp clients label it.
  media.mimetype = send.mime_type.empty() ? std::string("application/octet-stream") : send.mime_type;
  // A document without a name shows as "Untitled" on phones; the API always has one to give.
  media.file_name = !send.file_name.empty() ? send.file_name
                    : media.kind == engine::messaging::MediaKind::document ? std::string("file")
                                                                           : std::string();
  // Audio messages carry no caption on WhatsApp (api.md: caption on image/video/document).
  if (media.kind != engine::messaging::MediaKind::audio) media.caption = send.caption;
  std::shared_ptr<Session> session;
  if (auto admitted = admit_send(send.agent_id, session); !admitted) return admitted;
  auto messenger = session->messenger();
  if (!messenger) return fail(WABOT_ERR_NOT_READY, "SESSION_NOT_READY: agent " + send.agent_id + " has no messaging session yet");
  media.data.assign(send.data.begin(), send.data.end());
  // The plugin call blocks until the upload and the server ack; the work itself runs on the media
  // executor and the connection, and its own upload/iq/ack timeouts bound it (this wait only guards
  // against a lost callback).
  auto done = std::make_shared<std::promise<engine::Result<engine::messaging::SentMessage>>>();
  auto finished = done->get_future();
  const auto kind = media.kind;
  const std::string caption = media.caption, mimetype = media.mimetype;
  messenger->send_media(to.value(), std::move(media),
                        [done](engine::Result<engine::messaging::SentMessage> r) { done->set_value(std::move(r)); });
  const auto guard_ms = 2 * core_->options.send_timeout_ms + 120'000;
  engine::Result<engine::messaging::SentMessage> sent =
      finished.wait_for(std::chrono::milliseconds(guard_ms)) == std::future_status::ready
          ? finished.get()
          : engine::Result<engine::messaging::SentMessage>(engine::Error(engine::ErrorCode::timeout, "the media send did not complete"));
  if (!sent.ok()) {
    switch (sent.error().code) {
      case engine::ErrorCode::timeout:
        return fail(WABOT_ERR_TIMEOUT, "no server ack for the media of agent " + send.agent_id + ": " + sent.error().message);
      case engine::ErrorCode::too_large:
        return fail(WABOT_ERR_TOO_LARGE, "the media of agent " + send.agent_id + " is too large: " + sent.error().message);
      default:
        return fail(WABOT_ERR_BAD_GATEWAY, "WhatsApp did not take the media of agent " + send.agent_id + ": " + sent.error().message);
    }
  }
  const auto& ack = sent.value();
  SentRecord record{send.agent_id, send.trace_id, to->to_string(), to->is_group(), engine::messaging::to_string(kind),
                    message_type_of(kind), caption, mimetype, {}, {}};
  record_sent(session, ack, record);
  return ack.id;
}

Status SessionManager::set_typing(const std::string& agent_id, const std::string& chat_jid, wabot_typing_state state) {
  if (state != WABOT_TYPING_COMPOSING && state != WABOT_TYPING_PAUSED)
    return fail(WABOT_ERR_INVALID_ARGUMENT, "typing state must be composing or paused");
  auto jid = engine::Jid::parse(chat_jid);
  if (!jid.ok() || jid->user.empty()) return fail(WABOT_ERR_INVALID_ARGUMENT, "invalid chat jid");
  auto session = find(agent_id);
  if (!session) return not_found(agent_id);
  auto client = session->client();
  if (!client || client->state() != ClientState::connected)
    return fail(WABOT_ERR_NOT_READY, "SESSION_NOT_READY: agent " + agent_id + " is not connected");
  // A chatstate is a presence hint, not a message: it does not use the send budget.
  engine::Node node("chatstate", {{"to", jid.value()}},
                    engine::NodeList{engine::Node(state == WABOT_TYPING_COMPOSING ? "composing" : "paused")});
  client->send_node(std::move(node));
  return Status::ok();
}

}  // namespace wabot::sessions
