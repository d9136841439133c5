// SPDX-License-Identifier: GPL-3.0-or-later
// The per-agent connection state machine. Everything runs on the client's strand of the shared loop, so
// no member needs a lock; callbacks from the socket carry the connection generation they belong to,
// and callbacks of an older connection are ignored.
#include "host/engine/client/client.hpp"

#include <boost/asio/post.hpp>

#include <chrono>
#include <exception>

#include "host/common/log.hpp"
#include "host/engine/binary/binary_decoder.hpp"
#include "host/engine/binary/binary_encoder.hpp"
#include "host/engine/client/prekey_upload.hpp"
#include "host/engine/pairing/device_credentials.hpp"
#include "host/engine/pairing/pair_device.hpp"
#include "host/engine/pairing/pair_success.hpp"
#include "host/engine/pairing/qr_code.hpp"

namespace wabot::engine::client {

namespace net = boost::asio;
namespace log = wabot::log;

namespace {

std::uint64_t random_u64() {
  std::uint64_t v = 0;
  crypto::random_bytes(std::span(reinterpret_cast<std::uint8_t*>(&v), sizeof v));
  return v;
}

std::uint64_t now_unix_s() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

// Exceptions stop at the listener boundary: a throwing handler is logged and the client carries on.
template <class F>
void notify(const std::string& agent, const char* what, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    log::error("engine: listener threw", {{"agent", agent}, {"event", what}, {"error", e.what()}});
  } catch (...) {
    log::error("engine: listener threw", {{"agent", agent}, {"event", what}});
  }
}

}  // namespace

std::shared_ptr<BlockingExecutor> default_store_executor() {
  static const auto executor = std::make_shared<BlockingExecutor>("store", 2);
  return executor;
}

std::shared_ptr<Client> Client::create(transport::EventLoop& loop, ClientConfig config,
                                       std::shared_ptr<store::CredentialsStore> credentials,
                                       std::shared_ptr<PreKeyStore> prekeys, std::shared_ptr<ClientListener> listener) {
  if (!listener) listener = std::make_shared<ClientListener>();
  return std::shared_ptr<Client>(new Client(loop, std::move(config), std::move(credentials), std::move(prekeys), std::move(listener)));
}

Client::Client(transport::EventLoop& loop, ClientConfig config, std::shared_ptr<store::CredentialsStore> credentials,
               std::shared_ptr<PreKeyStore> prekeys, std::shared_ptr<ClientListener> listener)
    : loop_(loop), strand_(loop.make_strand()), config_(std::move(config)), credentials_store_(std::move(credentials)),
      prekeys_(std::move(prekeys)), listener_(std::move(listener)),
      store_executor_(config_.store_executor ? config_.store_executor : default_store_executor()),
      codec_(std::vector<std::uint8_t>(noise::kWaIntroHeader.begin(), noise::kWaIntroHeader.end())),
      backoff_(config_.reconnect_initial_delay_ms, config_.reconnect_max_delay_ms, config_.reconnect_jitter, random_u64()),
      handshake_timer_(strand_), keepalive_timer_(strand_), reconnect_timer_(strand_), qr_timer_(strand_) {
  std::uint64_t r = random_u64();
  iq_prefix_ = std::to_string(r & 0xFF) + "." + std::to_string((r >> 8) & 0xFF) + "-";
}

Client::~Client() = default;

// ---- public API (posted to the strand) ----

void Client::start() {
  net::post(strand_, [self = shared_from_this()] { self->do_start(); });
}

void Client::stop() {
  net::post(strand_, [self = shared_from_this()] {
    if (self->state_ == ClientState::logged_out || self->state_ == ClientState::auth_failed) return;
    self->terminate(ClientState::disconnected, DisconnectReason::stopped, "stopped");
  });
}

void Client::logout() {
  net::post(strand_, [self = shared_from_this()] {
    auto finish = [self] {
      if (self->state_ == ClientState::logged_out) return;  // the server's 401 may have settled it first
      self->clear_credentials_then([self] {
        if (self->state_ == ClientState::logged_out) return;
        self->terminate(ClientState::logged_out, DisconnectReason::logged_out, "logged out by us");
      });
    };
    if (self->phase_ != Phase::transport || !self->creds_ || !self->creds_->is_linked()) return finish();
    Node iq("iq", {{"to", server_jid()}, {"type", "set"}, {"xmlns", "md"}},
            NodeList{Node("remove-companion-device", {{"jid", *self->creds_->device_jid}, {"reason", "user_initiated"}})});
    self->send_iq_now(std::move(iq), [finish](Result<Node>) { finish(); }, self->config_.logout_timeout_ms);
  });
}

void Client::send_node(Node node) {
  net::post(strand_, [self = shared_from_this(), n = std::move(node)] {
    if (self->phase_ != Phase::transport || self->state_ != ClientState::connected) {
      log::warn("engine: dropped a stanza sent while not connected", {{"agent", self->config_.agent_id}, {"tag", n.tag}});
      return;
    }
    self->send_raw_node(n);
  });
}

void Client::send_iq(Node iq, IqCallback callback, std::int64_t timeout_ms) {
  net::post(strand_, [self = shared_from_this(), n = std::move(iq), cb = std::move(callback), timeout_ms]() mutable {
    if (self->phase_ != Phase::transport) {
      if (cb) cb(Error(ErrorCode::state, "not connected"));
      return;
    }
    self->send_iq_now(std::move(n), std::move(cb), timeout_ms);
  });
}

// ---- connection lifecycle ----

void Client::do_start() {
  if (running_) return;
  running_ = true;
  log::Scope scope("", config_.agent_id);
  set_state(ClientState::starting);
  if (!credentials_store_) return terminate(ClientState::disconnected, DisconnectReason::store_failed, "no credentials store");
  // The store may be a database: load off the loop, continue on the strand.
  auto store = credentials_store_;
  const std::string agent = config_.agent_id;
  run_blocking<Result<std::optional<store::Credentials>>>(
      "load credentials", [store, agent] { return store->load(agent); },
      [this](const Result<std::optional<store::Credentials>>& loaded) { start_with(loaded); });
}

void Client::start_with(const Result<std::optional<store::Credentials>>& loaded) {
  if (!running_) return;  // stopped while loading
  log::Scope scope("", config_.agent_id);
  if (!loaded) {
    return terminate(ClientState::disconnected, DisconnectReason::store_failed,
                     "failed to load credentials of agent " + config_.agent_id + ": " + loaded.error().message);
  }
  if (loaded->has_value()) {
    creds_ = **loaded;
    return connect_now();
  }
  store::Credentials fresh = pairing::generate_credentials();
  fresh.push_name = config_.identity.push_name;
  creds_ = fresh;
  save_credentials(std::move(fresh), [this](const Status& saved) {
    if (!running_) return;
    if (!saved) return terminate(ClientState::disconnected, DisconnectReason::store_failed, saved.error().message);
    connect_now();
  });
}

void Client::connect_now() {
  if (!running_) return;
  std::uint64_t gen = ++generation_;
  phase_ = Phase::connecting;
  got_first_node_ = false;
  codec_.reset();
  cipher_.reset();
  handshake_.reset();
  std::weak_ptr<Client> weak = weak_from_this();
  transport::WebSocketConnection::Handlers h;
  h.on_open = [weak, gen] {
    if (auto self = weak.lock()) self->on_open(gen);
  };
  h.on_message = [weak, gen](std::vector<std::uint8_t>&& m) {
    if (auto self = weak.lock()) self->on_message(gen, std::move(m));
  };
  h.on_closed = [weak, gen](const Error& why) {
    if (auto self = weak.lock()) self->on_closed(gen, why);
  };
  transport::WebSocketOptions opts;
  opts.url = config_.server_url;
  opts.origin = config_.origin;
  opts.connect_timeout_ms = config_.connect_timeout_ms;
  auto socket = transport::WebSocketConnection::create(loop_, strand_, opts, std::move(h));
  if (!socket) return terminate(ClientState::disconnected, DisconnectReason::protocol_error, socket.error().message);
  socket_ = std::move(socket.value());
  // One deadline covers connect, the Noise handshake and the first node from the server.
  handshake_timer_.expires_after(std::chrono::milliseconds(config_.connect_timeout_ms + config_.handshake_timeout_ms));
  handshake_timer_.async_wait([weak, gen](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->generation_ != gen || self->got_first_node_) return;
    self->drop_connection(DisconnectReason::connection_lost, "timed out connecting or during the handshake", true);
  });
  socket_->connect();
}

void Client::on_open(std::uint64_t gen) {
  if (gen != generation_) return;
  phase_ = Phase::handshake;
  crypto::Key32 root = config_.server_root_key;
  handshake_ = std::make_unique<noise::ClientHandshake>(
      creds_->noise_key, crypto::generate_key_pair(),
      [root](crypto::ByteView cert, const crypto::Key32& server_static) {
        return noise::ServerCertVerifier(root).verify(cert, server_static, now_unix_s());
      });
  auto frame = codec_.encode(handshake_->client_hello());
  if (frame) socket_->send(std::move(frame.value()));
}

void Client::on_message(std::uint64_t gen, std::vector<std::uint8_t>&& message) {
  if (gen != generation_) return;
  if (auto s = codec_.feed(message); !s) {
    return drop_connection(DisconnectReason::connection_lost, "bad framing from the server: " + s.error().message, true);
  }
  while (codec_.has_frame() && gen == generation_) on_frame(codec_.next_frame());
}

void Client::on_frame(std::vector<std::uint8_t>&& frame) {
  log::Scope scope("", config_.agent_id);
  if (phase_ == Phase::handshake) {
    const bool linked = creds_->is_linked();
    Result<crypto::Bytes> payload = linked ? pairing::login_payload(*creds_, config_.identity)
                                           : Result<crypto::Bytes>(pairing::registration_payload(*creds_, config_.identity));
    if (!payload) return terminate(ClientState::disconnected, DisconnectReason::store_failed, payload.error().message);
    auto finish = handshake_->process_server_hello(frame, *payload);
    if (!finish) {
      log::error("engine: noise handshake failed", {{"agent", config_.agent_id}, {"error", finish.error().message}});
      return drop_connection(DisconnectReason::handshake_failed, finish.error().message, true);
    }
    cipher_ = handshake_->take_cipher();
    handshake_.reset();
    phase_ = Phase::transport;
    auto out = codec_.encode(*finish);
    if (out) socket_->send(std::move(out.value()));
    return;
  }
  if (phase_ != Phase::transport || !cipher_) return;
  auto plain = cipher_->decrypt(frame);
  if (!plain) {
    // Over TCP a failed tag means the two counters no longer agree, and every later frame would fail
    // too (whatsmeow logs and waits for the keepalive to notice); we reconnect at once instead.
    log::warn("engine: undecryptable frame, reconnecting", {{"agent", config_.agent_id}, {"error", plain.error().message}});
    return drop_connection(DisconnectReason::connection_lost, "undecryptable frame from the server", true);
  }
  auto node = binary::decode_frame_plaintext(*plain);
  if (!node) {
    log::warn("engine: dropped an undecodable frame", {{"agent", config_.agent_id}, {"error", node.error().message}});
    return;
  }
  if (!got_first_node_) {
    got_first_node_ = true;
    handshake_timer_.cancel();
  }
  handle_node(*node);
}

void Client::on_closed(std::uint64_t gen, const Error& why) {
  if (gen != generation_) return;
  socket_.reset();
  drop_connection(DisconnectReason::connection_lost, why.message, true);
}

// ---- stanzas ----

void Client::handle_node(const Node& node) {
  if (node.tag == "iq") return handle_iq(node);
  if (node.tag == "success") return handle_success(node);
  if (node.tag == "failure") return apply_verdict(classify_failure(node));
  if (node.tag == "stream:error") return apply_verdict(classify_stream_error(node));
  if (node.tag == "xmlstreamend") return drop_connection(DisconnectReason::connection_lost, "server ended the stream", true);
  if (node.tag == "ack") {
    auto it = pending_.find(node.attr_or("id"));
    if (it != pending_.end()) {
      auto cb = std::move(it->second.callback);
      if (it->second.timer) it->second.timer->cancel();
      pending_.erase(it);
      if (cb) cb(node);
      return;
    }
  }
  notify(config_.agent_id, "node", [&] { listener_->on_node(node); });
}

void Client::handle_iq(const Node& node) {
  const std::string type = node.attr_or("type");
  if (type == "result" || type == "error") {
    auto it = pending_.find(node.attr_or("id"));
    if (it != pending_.end()) {
      auto cb = std::move(it->second.callback);
      if (it->second.timer) it->second.timer->cancel();
      pending_.erase(it);
      if (cb) cb(node);
      return;
    }
  }
  if (pairing::is_pair_device(node)) return handle_pair_device(node);
  if (pairing::is_pair_success(node)) return handle_pair_success(node);
  if (type == "get" && node.attr_or("xmlns") == "urn:xmpp:ping") return send_raw_node(pairing::iq_result_for(node));
  notify(config_.agent_id, "node", [&] { listener_->on_node(node); });
}

void Client::handle_pair_device(const Node& node) {
  send_raw_node(pairing::iq_result_for(node));
  if (creds_->is_linked()) return;  // a linked device never shows a QR
  auto req = pairing::parse_pair_device(node);
  if (!req) {
    log::warn("engine: ignored a bad pair-device", {{"agent", config_.agent_id}, {"error", req.error().message}});
    return;
  }
  qr_refs_ = std::move(req->refs);
  qr_index_ = 0;
  set_state(ClientState::awaiting_qr);
  show_next_qr();
}

void Client::show_next_qr() {
  if (qr_index_ >= qr_refs_.size()) {
    qr_refs_.clear();
    return terminate(ClientState::disconnected, DisconnectReason::qr_timeout, "no QR was scanned in time");
  }
  std::string text = pairing::qr_text(qr_refs_[qr_index_], *creds_, pairing::qr_client_type(config_.identity.platform));
  auto png = pairing::render_qr_png(text);
  std::vector<std::uint8_t> image = png ? std::move(png.value()) : std::vector<std::uint8_t>{};
  if (!png) log::warn("engine: cannot render the QR image", {{"agent", config_.agent_id}, {"error", png.error().message}});
  auto lifetime = qr_index_ == 0 ? config_.qr_first_ref_lifetime_ms : config_.qr_next_ref_lifetime_ms;
  ++qr_index_;
  notify(config_.agent_id, "qr", [&] { listener_->on_qr(text, image); });
  std::uint64_t gen = generation_;
  std::weak_ptr<Client> weak = weak_from_this();
  qr_timer_.expires_after(std::chrono::milliseconds(lifetime));
  qr_timer_.async_wait([weak, gen](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->generation_ != gen || self->qr_refs_.empty()) return;
    self->show_next_qr();
  });
}

void Client::handle_pair_success(const Node& node) {
  qr_timer_.cancel();
  qr_refs_.clear();
  store::Credentials updated = *creds_;
  auto r = pairing::process_pair_success(node, updated);
  if (!r.status) {
    send_raw_node(r.reply);
    log::error("engine: pairing refused", {{"agent", config_.agent_id}, {"error", r.status.error().message}});
    return terminate(ClientState::disconnected, DisconnectReason::protocol_error, r.status.error().message);
  }
  if (updated.push_name.empty()) updated.push_name = config_.identity.push_name;
  // Persist before answering: a crash after the reply but before the save would leave the phone
  // listing a device we cannot log in as. The save runs off the loop; the answer waits for it.
  const std::uint64_t gen = generation_;
  save_credentials(updated, [this, gen, updated, r](const Status& saved) {
    if (!running_ || gen != generation_) {
      log::warn("engine: the connection ended while saving the paired credentials", {{"agent", config_.agent_id}});
      return;
    }
    if (!saved) return terminate(ClientState::disconnected, DisconnectReason::store_failed, saved.error().message);
    creds_ = updated;
    finish_pairing(r);
  });
}

void Client::finish_pairing(const pairing::PairSuccess& r) {
  send_raw_node(r.reply);
  if (r.server_time_s) server_time_offset_s_ = *r.server_time_s - static_cast<std::int64_t>(now_unix_s());
  set_state(ClientState::pairing);
  log::info("engine: paired", {{"agent", config_.agent_id}, {"jid", r.device_jid.to_string()}});
  notify(config_.agent_id, "paired", [&] { listener_->on_paired(r.device_jid, r.lid, creds_->push_name); });
}

void Client::handle_success(const Node& node) {
  if (!creds_->is_linked()) {
    log::warn("engine: ignored <success> on an unlinked connection", {{"agent", config_.agent_id}});
    return;
  }
  if (!creds_->lid) {
    if (auto lid = node.attr_jid("lid")) {
      creds_->lid = *lid;
      save_credentials(*creds_, [this](const Status& saved) {
        if (!saved) log::warn("engine: cannot save the LID", {{"agent", config_.agent_id}, {"error", saved.error().message}});
      });
    }
  }
  if (auto t = node.attr("t")) {
    try {
      server_time_offset_s_ = std::stoll(*t) - static_cast<std::int64_t>(now_unix_s());
    } catch (...) {
    }
  }
  backoff_.reset();
  set_state(ClientState::connected);
  notify(config_.agent_id, "connected", [&] { listener_->on_connected(); });
  send_iq_now(Node("iq", {{"to", server_jid()}, {"xmlns", "passive"}, {"type", "set"}}, NodeList{Node("active")}),
              [agent = config_.agent_id](Result<Node> r) {
                if (!r || r->attr_or("type") != "result") log::warn("engine: passive iq was not accepted", {{"agent", agent}});
              },
              0);
  check_pre_keys();
  schedule_keepalive();
}

void Client::check_pre_keys() {
  if (!prekeys_) {
    log::warn("engine: no prekey store configured, skipping the prekey upload", {{"agent", config_.agent_id}});
    return;
  }
  std::weak_ptr<Client> weak = weak_from_this();
  send_iq_now(prekey_count_iq(""), [weak](Result<Node> reply) {
    auto self = weak.lock();
    if (!self) return;
    if (!reply) return log::warn("engine: prekey count failed", {{"agent", self->config_.agent_id}, {"error", reply.error().message}});
    auto count = parse_prekey_count(*reply);
    if (!count) return log::warn("engine: prekey count reply without a count", {{"agent", self->config_.agent_id}});
    if (*count >= self->config_.min_pre_key_count) return;
    // Generating persists the private halves: a store call, off the loop.
    auto prekeys = self->prekeys_;
    const std::string agent = self->config_.agent_id;
    const std::size_t n = self->config_.pre_key_upload_count;
    self->run_blocking<Result<std::vector<PreKey>>>("generate prekeys", [prekeys, agent, n] { return prekeys->generate_pre_keys(agent, n); },
                                                    [weak](const Result<std::vector<PreKey>>& keys) {
      auto self = weak.lock();
      if (!self || self->phase_ != Phase::transport || !self->creds_) return;
      if (!keys || keys->empty())
        return log::error("engine: cannot generate prekeys", {{"agent", self->config_.agent_id}, {"error", keys ? "none" : keys.error().message}});
      std::uint32_t max_id = keys->back().id;
      self->send_iq_now(prekey_upload_iq("", *self->creds_, *keys), [weak, max_id](Result<Node> r) {
        auto self = weak.lock();
        if (!self) return;
        if (!r || r->attr_or("type") != "result")
          return log::warn("engine: prekey upload refused", {{"agent", self->config_.agent_id}});
        auto prekeys = self->prekeys_;
        const std::string agent = self->config_.agent_id;
        self->run_blocking<Status>("mark prekeys uploaded", [prekeys, agent, max_id] { return prekeys->mark_uploaded(agent, max_id); },
                                   [agent, max_id](const Status& s) {
          if (!s) return log::warn("engine: cannot mark prekeys uploaded", {{"agent", agent}, {"error", s.error().message}});
          log::info("engine: uploaded prekeys", {{"agent", agent}, {"up_to", std::to_string(max_id)}});
        });
      }, 0);
    });
  }, 0);
}

void Client::schedule_keepalive() {
  std::uint64_t gen = generation_;
  auto span = std::max<std::int64_t>(0, config_.keepalive_max_interval_ms - config_.keepalive_min_interval_ms);
  auto delay = config_.keepalive_min_interval_ms + (span ? static_cast<std::int64_t>(random_u64() % static_cast<std::uint64_t>(span + 1)) : 0);
  std::weak_ptr<Client> weak = weak_from_this();
  keepalive_timer_.expires_after(std::chrono::milliseconds(delay));
  keepalive_timer_.async_wait([weak, gen](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->generation_ != gen || self->phase_ != Phase::transport) return;
    // whatsmeow's form: <iq to=s.whatsapp.net type=get xmlns=w:p/> (Baileys adds <ping/>; both work).
    self->send_iq_now(Node("iq", {{"to", server_jid()}, {"type", "get"}, {"xmlns", "w:p"}}), [weak, gen](Result<Node> r) {
      auto self = weak.lock();
      if (!self || self->generation_ != gen) return;
      if (!r && r.error().code == ErrorCode::timeout)
        return self->drop_connection(DisconnectReason::keepalive_timeout, "no answer to the keepalive ping", true);
      if (r) self->schedule_keepalive();
    }, self->config_.keepalive_timeout_ms);
  });
}

void Client::apply_verdict(const ConnectionVerdict& v) {
  log::info("engine: server ended the session", {{"agent", config_.agent_id}, {"detail", v.detail}, {"reason", std::string(reason_name(v.reason))}});
  switch (v.action) {
    case VerdictAction::restart_now: return drop_connection(v.reason, v.detail, false);
    case VerdictAction::reconnect_backoff: return drop_connection(v.reason, v.detail, true);
    case VerdictAction::logged_out:
    case VerdictAction::auth_failed: {
      // No reconnect while the store forgets the credentials; the final state follows the clear.
      close_socket();
      cancel_timers();
      const ClientState final_state = v.action == VerdictAction::logged_out ? ClientState::logged_out : ClientState::auth_failed;
      return clear_credentials_then([this, final_state, v] { terminate(final_state, v.reason, v.detail); });
    }
    case VerdictAction::stop:
    case VerdictAction::unset: return terminate(ClientState::disconnected, v.reason, v.detail);
  }
}

// ---- sending ----

void Client::send_raw_node(const Node& node) {
  if (phase_ != Phase::transport || !cipher_ || !socket_) return;
  auto encrypted = cipher_->encrypt(binary::encode_node(node));
  if (!encrypted) return drop_connection(DisconnectReason::connection_lost, encrypted.error().message, true);
  auto frame = codec_.encode(*encrypted);
  if (!frame) {
    log::warn("engine: stanza too large to send", {{"agent", config_.agent_id}, {"tag", node.tag}});
    return;
  }
  socket_->send(std::move(frame.value()));
}

std::string Client::next_iq_id() { return iq_prefix_ + std::to_string(++iq_counter_); }

void Client::send_iq_now(Node iq, IqCallback callback, std::int64_t timeout_ms) {
  std::string id = iq.attr_or("id");
  if (id.empty()) {
    id = next_iq_id();
    iq.set_attr("id", id);
  }
  PendingIq p;
  p.callback = std::move(callback);
  p.timer = std::make_unique<boost::asio::steady_timer>(strand_);
  p.timer->expires_after(std::chrono::milliseconds(timeout_ms > 0 ? timeout_ms : config_.iq_timeout_ms));
  std::weak_ptr<Client> weak = weak_from_this();
  p.timer->async_wait([weak, id](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    auto it = self->pending_.find(id);
    if (it == self->pending_.end()) return;
    auto cb = std::move(it->second.callback);
    self->pending_.erase(it);
    if (cb) cb(Error(ErrorCode::timeout, "iq " + id + " timed out"));
  });
  pending_[id] = std::move(p);
  send_raw_node(iq);
}

// ---- teardown ----

void Client::close_socket() {
  ++generation_;  // callbacks of this socket are now stale
  phase_ = Phase::idle;
  cipher_.reset();
  handshake_.reset();
  if (socket_) socket_->close();
  socket_.reset();
}

void Client::fail_pending_iqs(const std::string& why) {
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [id, p] : pending) {
    if (p.timer) p.timer->cancel();
    if (p.callback) p.callback(Error(ErrorCode::io, "iq " + id + " failed: " + why));
  }
}

void Client::cancel_timers() {
  handshake_timer_.cancel();
  keepalive_timer_.cancel();
  reconnect_timer_.cancel();
  qr_timer_.cancel();
}

void Client::drop_connection(DisconnectReason reason, const std::string& detail, bool use_backoff) {
  if (!running_) return;
  const bool was_pairing = state_ == ClientState::pairing;
  close_socket();
  cancel_timers();
  qr_refs_.clear();
  fail_pending_iqs(detail);
  notify(config_.agent_id, "disconnected", [&] { listener_->on_disconnected(reason, detail); });
  std::int64_t delay = use_backoff ? backoff_.next_delay_ms() : 0;
  // After pairing, the 515 restart is part of linking: stay in `pairing` until <success>.
  if (!(was_pairing && reason == DisconnectReason::restart_required)) set_state(ClientState::reconnecting, reason, detail);
  log::info("engine: reconnecting", {{"agent", config_.agent_id}, {"delay_ms", std::to_string(delay)}, {"detail", detail}});
  std::weak_ptr<Client> weak = weak_from_this();
  std::uint64_t gen = generation_;
  reconnect_timer_.expires_after(std::chrono::milliseconds(delay));
  reconnect_timer_.async_wait([weak, gen](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || !self->running_ || self->generation_ != gen) return;
    self->connect_now();
  });
}

void Client::terminate(ClientState state, DisconnectReason reason, const std::string& detail) {
  const bool was_running = running_;
  running_ = false;
  close_socket();
  cancel_timers();
  qr_refs_.clear();
  fail_pending_iqs(detail);
  if (was_running) notify(config_.agent_id, "disconnected", [&] { listener_->on_disconnected(reason, detail); });
  set_state(state, reason, detail);
}

template <class R>
void Client::run_blocking(const std::string& what, std::function<R()> work, std::function<void(const R&)> done) {
  std::weak_ptr<Client> weak = weak_from_this();
  auto shared_done = std::make_shared<std::function<void(const R&)>>(std::move(done));
  const bool taken = store_executor_->post([weak, work = std::move(work), shared_done] {
    R result = work();
    // A live client means a live loop (clients go before their loop), so posting back is safe.
    auto self = weak.lock();
    if (!self) return;
    net::post(self->strand_, [weak, shared_done, result = std::move(result)] {
      if (weak.lock()) (*shared_done)(result);
    });
  });
  if (!taken) {
    net::post(strand_, [weak, shared_done, what, agent = config_.agent_id] {
      if (weak.lock())
        (*shared_done)(R(Error(ErrorCode::store, "cannot " + what + " of agent " + agent + ": the store executor is full or stopping")));
    });
  }
}

void Client::save_credentials(store::Credentials credentials, std::function<void(const Status&)> done) {
  auto store = credentials_store_;
  const std::string agent = config_.agent_id;
  run_blocking<Status>("save credentials", [store, agent, credentials = std::move(credentials)]() -> Status {
    auto s = store->save(agent, credentials);
    if (!s) return s.error().with_context("failed to save credentials of agent " + agent);
    return s;
  }, std::move(done));
}

void Client::clear_credentials_then(std::function<void()> next) {
  creds_.reset();
  if (!credentials_store_) return next();
  auto store = credentials_store_;
  const std::string agent = config_.agent_id;
  run_blocking<Status>("clear credentials", [store, agent] { return store->clear(agent); }, [agent, next](const Status& s) {
    if (!s) log::error("engine: cannot clear credentials", {{"agent", agent}, {"error", s.error().message}});
    next();
  });
}

void Client::set_state(ClientState s, DisconnectReason reason, const std::string& detail) {
  state_ = s;
  notify(config_.agent_id, "state", [&] { listener_->on_state(s, reason, detail); });
}

}  // namespace wabot::engine::client
