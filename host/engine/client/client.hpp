// SPDX-License-Identifier: GPL-3.0-or-later
// Client: one agent's WhatsApp connection on the shared event loop: connect, Noise, QR pairing or login,
// post-login setup, keepalive, reconnect with backoff, stream errors, logout.
#pragma once

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/engine/client/backoff.hpp"
#include "host/engine/client/client_config.hpp"
#include "host/engine/client/client_listener.hpp"
#include "host/engine/client/connection_verdict.hpp"
#include "host/engine/client/prekey_store.hpp"
#include "host/engine/noise/client_handshake.hpp"
#include "host/engine/pairing/pair_success.hpp"
#include "host/engine/store/credentials_store.hpp"
#include "host/engine/transport/event_loop.hpp"
#include "host/engine/transport/frame_codec.hpp"
#include "host/engine/transport/websocket_connection.hpp"

namespace wabot::engine::client {

class Client : public std::enable_shared_from_this<Client> {
 public:
  using IqCallback = std::function<void(Result<Node> reply)>;

  // prekeys may be null (no prekey upload; the Signal layer provides the real store).
  // The listener is called on the client's strand, never concurrently for one client.
  static std::shared_ptr<Client> create(transport::EventLoop& loop, ClientConfig config,
                                        std::shared_ptr<store::CredentialsStore> credentials,
                                        std::shared_ptr<PreKeyStore> prekeys, std::shared_ptr<ClientListener> listener);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // All of these return at once; the work runs on the client's strand.
  void start();
  void stop();
  // Unlinks this device (remove-companion-device), clears the credentials, ends in logged_out.
  void logout();
  // Sends a stanza on the logged-in connection (dropped with a warning when not connected).
  void send_node(Node node);
  // Sends an iq (an id is assigned when it has none) and calls back with the result/error reply,
  // or an error on timeout or disconnect.
  void send_iq(Node iq, IqCallback callback, std::int64_t timeout_ms = 0);

  ClientState state() const { return state_.load(); }
  // Server clock minus ours, in seconds, from the last <success>/<pair-success> `t` (0 before that).
  std::int64_t server_time_offset_s() const { return server_time_offset_s_.load(); }
  const ClientConfig& config() const { return config_; }

 private:
  enum class Phase { unset = 0, idle, connecting, handshake, transport };
  struct PendingIq {
    IqCallback callback;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };

  Client(transport::EventLoop& loop, ClientConfig config, std::shared_ptr<store::CredentialsStore> credentials,
         std::shared_ptr<PreKeyStore> prekeys, std::shared_ptr<ClientListener> listener);

  void do_start();
  void connect_now();
  void on_open(std::uint64_t generation);
  void on_message(std::uint64_t generation, std::vector<std::uint8_t>&& message);
  void on_closed(std::uint64_t generation, const Error& why);
  void on_frame(std::vector<std::uint8_t>&& frame);
  void handle_node(const Node& node);
  void handle_iq(const Node& node);
  void handle_pair_device(const Node& node);
  void show_next_qr();
  void handle_pair_success(const Node& node);
  void finish_pairing(const pairing::PairSuccess& r);  // after the paired credentials are saved
  void handle_success(const Node& node);
  void check_pre_keys();
  void schedule_keepalive();
  void apply_verdict(const ConnectionVerdict& verdict);

  void send_raw_node(const Node& node);
  void send_iq_now(Node iq, IqCallback callback, std::int64_t timeout_ms);
  std::string next_iq_id();

  // Ends the current connection; reconnects after delay_ms (0 = at once) unless terminal.
  void drop_connection(DisconnectReason reason, const std::string& detail, bool use_backoff);
  // Ends the connection for good and settles in `state`.
  void terminate(ClientState state, DisconnectReason reason, const std::string& detail);
  void close_socket();
  void fail_pending_iqs(const std::string& why);
  void cancel_timers();
  // Runs `work` (a blocking store call) on the store executor; `done` gets its result on the strand,
  // unless the client is gone by then. A full executor answers with an error.
  template <class R>
  void run_blocking(const std::string& what, std::function<R()> work, std::function<void(const R&)> done);
  // Saves `credentials` off the loop; `done` runs on the strand with the outcome.
  void save_credentials(store::Credentials credentials, std::function<void(const Status&)> done);
  // Forgets the credentials (memory at once, the store off the loop), then runs `next` on the strand.
  void clear_credentials_then(std::function<void()> next);
  void start_with(const Result<std::optional<store::Credentials>>& loaded);
  void set_state(ClientState s, DisconnectReason reason = DisconnectReason::unset, const std::string& detail = {});

  transport::EventLoop& loop_;
  transport::Strand strand_;
  ClientConfig config_;
  std::shared_ptr<store::CredentialsStore> credentials_store_;
  std::shared_ptr<PreKeyStore> prekeys_;
  std::shared_ptr<ClientListener> listener_;
  std::shared_ptr<BlockingExecutor> store_executor_;

  std::atomic<ClientState> state_{ClientState::unset};
  std::atomic<std::int64_t> server_time_offset_s_{0};
  bool running_ = false;
  std::optional<store::Credentials> creds_;

  std::uint64_t generation_ = 0;
  Phase phase_ = Phase::idle;
  bool got_first_node_ = false;
  std::shared_ptr<transport::WebSocketConnection> socket_;
  transport::FrameCodec codec_;
  std::unique_ptr<noise::ClientHandshake> handshake_;
  std::optional<noise::NoiseCipher> cipher_;

  std::map<std::string, PendingIq> pending_;
  std::string iq_prefix_;
  std::uint64_t iq_counter_ = 0;

  std::vector<std::string> qr_refs_;
  std::size_t qr_index_ = 0;

  Backoff backoff_;
  boost::asio::steady_timer handshake_timer_;
  boost::asio::steady_timer keepalive_timer_;
  boost::asio::steady_timer reconnect_timer_;
  boost::asio::steady_timer qr_timer_;
};

}  // namespace wabot::engine::client
