// SPDX-License-Identifier: GPL-3.0-or-later
// SessionManager: one Session per agent behind the SDK's sessions and messaging services. Owns the
// engine's shared event loop (no thread per agent), persists each client's status in whatsapp_user,
// resumes every linked agent at start, and publishes session events to the plugins.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "host/engine/client/client_config.hpp"
#include "host/engine/messaging/messaging_events.hpp"
#include "host/plugins/health_backend.hpp"
#include "host/plugins/messaging_backend.hpp"
#include "host/plugins/plugin_event.hpp"
#include "host/plugins/sessions_backend.hpp"
#include "host/sessions/engine_settings.hpp"
#include "host/sessions/send_limiter.hpp"
#include "host/sessions/session.hpp"
#include "host/store/database.hpp"

namespace wabot::engine::transport {
class EventLoop;
}

namespace wabot::sessions {

struct SessionManagerOptions {
  EngineSettings engine;                   // whatsapp.*
  std::size_t loop_threads = 2;            // the engine's shared event loop
  std::string ai_backend_url;              // seeds endpoint_url_run: {ai_backend_url}/agents/{id}/execute
  std::int64_t qr_wait_on_create_ms = 60'000;  // used when a request's wait is 0
  std::int64_t stop_wait_ms = 10'000;      // how long a stop/logout waits for the client to settle
  std::int64_t send_timeout_ms = 60'000;   // a send's default wait for the server ack
  SendLimiterOptions rate_limit;           // per agent
  // sessions.replay_max_age: at start, inbound messages logged by an earlier process and not yet
  // dispatched to every plugin are published again when younger than this; 0 turns the replay off.
  std::int64_t replay_max_age_ms = 10 * 60'000;
  // Adjusts every agent's ClientConfig after the engine settings are applied (tests: short timeouts).
  std::function<void(engine::client::ClientConfig&)> tune_client;
};

using EventSink = std::function<void(const plugins::PluginEvent&)>;

class SessionManager final : public plugins::SessionsBackend, public plugins::MessagingBackend {
 public:
  // Checks the engine settings; nullptr and `error` set when they are unusable.
  static std::unique_ptr<SessionManager> create(std::shared_ptr<store::Database> database, SessionManagerOptions options,
                                                std::string& error);
  ~SessionManager() override;  // shutdown()
  SessionManager(const SessionManager&) = delete;
  SessionManager& operator=(const SessionManager&) = delete;

  // Starts a client for every agent whose stored credentials are linked (they log in without a QR).
  // Returns how many were started; a database failure is returned as an error line.
  std::string resume_all(std::size_t& started);

  // Stops every client (waiting up to stop_wait_ms for each to close), persists `disconnected` for
  // the ones that were connected, then stops the event loop. Idempotent.
  void shutdown();

  // Where session events go (the PluginManager's publish); may be set or replaced at any time.
  void set_event_sink(EventSink sink);

  // Live sessions and how many of them are connected (GET /health), and the engine health the SDK's
  // health service publishes (1.2): undecryptable messages (total and per agent) and queued sends.
  plugins::SessionCounts counts() const;

  // plugins::SessionsBackend
  Result<CreatedSession> create(const plugins::SessionCreateRequest& request) override;
  Result<SessionInfo> get(std::string_view agent_id) override;
  Result<SessionPage> list(const plugins::SessionFilter& filter) override;
  Result<bool> remove(std::string_view agent_id, bool logout) override;
  Result<SessionInfo> reconnect(std::string_view agent_id, int64_t qr_wait_ms) override;
  Result<QrCode> wait_qr(std::string_view agent_id, int64_t timeout_ms) override;
  // SDK 1.1 SessionsBackend::check_api_key: constant-time
  // compare of `token` with the agent's api_key. On a mismatch the user's newest active api_keys token
  // is re-read in the background, at most once per agent per 10 s, so a rotated key works next time.
  // NOT_FOUND for an unknown agent. The token is never logged.
  Result<bool> check_api_key(std::string_view agent_id, std::string_view token) override;
  // SDK 1.1 SessionsBackend::api_key: whatsapp_user.api_key (empty when the agent has none), for the
  // Authorization header of the agent's AI calls. A secret: callers never log it.
  Result<std::string> api_key(std::string_view agent_id) override;

  // plugins::MessagingBackend
  Result<std::string> send_text(const plugins::TextSend& send) override;
  Result<std::string> send_media(const plugins::MediaSend& send) override;
  Status set_typing(const std::string& agent_id, const std::string& chat_jid, wabot_typing_state state) override;

  class Core;  // shared with the clients' listeners (outlives the manager while events drain)

 private:
  // What an acked send puts into the message log and the MESSAGE_SENT event.
  struct SentRecord {
    std::string agent_id, trace_id, chat_jid;
    bool is_group = false;
    std::string log_type;  // message_log.type: "text", "image", "document", ...
    wabot_message_type type = WABOT_MESSAGE_UNSET;
    std::string text;       // the text, or a media caption
    std::string mime_type;  // media only
    std::string quoted_id;
    std::vector<std::string> mentions;
  };
  void record_sent(const std::shared_ptr<Session>& session, const engine::messaging::SentMessage& ack, const SentRecord& record);

  SessionManager(std::shared_ptr<Core> core, std::unique_ptr<engine::transport::EventLoop> loop);

  std::shared_ptr<Session> find(std::string_view agent_id) const;
  std::shared_ptr<Session> find_or_add(const std::string& agent_id);
  // Starts a fresh client for the session unless one is running (not in a terminal state).
  void ensure_running(const std::shared_ptr<Session>& session);
  void start_client(const std::shared_ptr<Session>& session);
  // Stops the session's client and waits (bounded) until it has closed.
  void stop_client(const std::shared_ptr<Session>& session);
  Result<SessionInfo> info(std::string_view agent_id, bool with_qr);
  // Waits until a QR is shown, the client logs in or ends, or the wait passes.
  void wait_for_first_qr(const std::shared_ptr<Session>& session, std::int64_t wait_ms);
  Result<std::string> admit_send(const std::string& agent_id, std::shared_ptr<Session>& session);

  std::shared_ptr<Core> core_;
  std::unique_ptr<engine::transport::EventLoop> loop_;
  mutable std::mutex mutex_;  // guards sessions_ and shut_down_
  std::map<std::string, std::shared_ptr<Session>, std::less<>> sessions_;
  bool shut_down_ = false;
  std::mutex refresh_mutex_;  // guards last_key_refresh_
  std::map<std::string, std::chrono::steady_clock::time_point, std::less<>> last_key_refresh_;
};

}  // namespace wabot::sessions
