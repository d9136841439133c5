// SPDX-License-Identifier: GPL-3.0-or-later
// Messenger, history sync: a HISTORY_SYNC_NOTIFICATION from our phone names an encrypted md-msg-hist
// blob on the media hosts. It is downloaded on the shared media executor (never on the connection's
// thread, and no thread of its own per agent),
// verified and decrypted, inflated and parsed; its PN -> LID pairs and NCT salt go to the ContactStore.
// Also the <cstoken> fallback built from that salt.
#include <algorithm>

#include "host/common/log.hpp"
#include "host/engine/media/media_decryptor.hpp"
#include "host/engine/media/media_http_client.hpp"
#include "host/engine/messaging/history_sync.hpp"
#include "host/engine/messaging/messenger.hpp"

namespace wabot::engine::messaging {

namespace log = wabot::log;

namespace {

std::optional<crypto::Key32> key32(const std::string& s) {
  if (s.size() != 32) return std::nullopt;
  crypto::Key32 k{};
  std::copy(s.begin(), s.end(), k.begin());
  return k;
}

}  // namespace

void Messenger::queue_history_sync(const wabot::proto::HistorySyncNotification& notification, const std::string& message_id) {
  if (!config_.download_history_sync) return;
  std::weak_ptr<Messenger> weak = weak_from_this();
  media_conn([weak, notification, message_id](Result<MediaConn> conn) {
    auto self = weak.lock();
    if (!self) return;
    if (!conn) {
      log::warn("engine: history sync not processed", {{"agent", self->config_.agent_id}, {"id", message_id},
                                                        {"error", conn.error().with_context("history sync").message}});
      return;
    }
    if (self->history_sync_jobs_.fetch_add(1) >= kMaxHistorySyncJobs) {
      self->history_sync_jobs_.fetch_sub(1);
      log::warn("engine: history sync dropped, too many queued", {{"agent", self->config_.agent_id}, {"id", message_id}});
      return;
    }
    const bool queued = self->media_executor_->post([weak, notification, message_id, media = std::move(conn.value())] {
      auto self = weak.lock();
      if (!self) return;
      auto done = self->process_history_sync(notification, media);
      self->history_sync_jobs_.fetch_sub(1);
      if (!done)
        log::warn("engine: history sync not processed", {{"agent", self->config_.agent_id}, {"id", message_id}, {"error", done.error().message}});
    });
    if (!queued) {
      self->history_sync_jobs_.fetch_sub(1);
      log::warn("engine: history sync dropped, the media executor is full", {{"agent", self->config_.agent_id}, {"id", message_id}});
    }
  });
}

Status Messenger::process_history_sync(const wabot::proto::HistorySyncNotification& n, const MediaConn& conn) {
  auto enc_sha = key32(n.file_enc_sha256());
  auto sha = key32(n.file_sha256());
  if (n.direct_path().empty() || n.media_key().size() != 32 || !enc_sha || !sha)
    return Error(ErrorCode::malformed, "the history-sync notification lacks its path, key or hashes");
  if (n.file_length() > config_.max_media_bytes)
    return Error(ErrorCode::too_large, "a history-sync blob of " + std::to_string(n.file_length()) + " bytes is over the limit");
  media::MediaHttpClient http(config_.tls_ca_file);
  // The body is the ciphertext (padded to 16) plus a 10-byte MAC.
  const std::uint64_t max_body = std::min<std::uint64_t>(n.file_length() + 16 + 10, config_.max_media_bytes + 26);
  std::string last_error = "no media host";
  for (const auto& host : conn.hosts) {
    auto body = http.download("https://" + host + n.direct_path(), max_body);
    if (!body) {
      last_error = body.error().message;
      continue;
    }
    auto plain = media::decrypt_media(crypto::view(n.media_key()), media::MediaType::history, body.value(), enc_sha, sha);
    if (!plain) return Error(ErrorCode::crypto, "the history-sync blob does not verify: " + plain.error().message);
    auto contents = parse_history_sync_blob(plain.value());
    if (!contents) return contents.error();
    std::lock_guard lock(mu_);
    learn_mappings_locked(contents->mappings, "history_sync");
    if (!contents->nct_salt.empty() && (!nct_salt_ || *nct_salt_ != contents->nct_salt)) {
      if (contacts_) {
        if (auto st = contacts_->put_nct_salt(contents->nct_salt); !st)
          log::warn("engine: NCT salt not persisted", {{"agent", config_.agent_id}, {"error", st.error().message}});
      }
      nct_salt_ = contents->nct_salt;
      nct_salt_loaded_ = true;
    }
    log::info("engine: history sync processed", {{"agent", config_.agent_id},
                                                  {"sync_type", std::to_string(contents->sync_type)},
                                                  {"lid_pairs", std::to_string(contents->mappings.size())},
                                                  {"nct_salt", contents->nct_salt.empty() ? "no" : "yes"}});
    return Ok{};
  }
  return Error(ErrorCode::io, "history-sync download failed: " + last_error);
}

std::optional<Bytes> Messenger::cs_token_for_locked(const Jid& chat) {
  if (!nct_salt_loaded_ && contacts_) {
    auto salt = contacts_->nct_salt();
    if (!salt) {
      log::warn("engine: NCT salt lookup failed", {{"agent", config_.agent_id}, {"error", salt.error().message}});
      return std::nullopt;  // tried again on the next send
    }
    nct_salt_ = *salt;
    nct_salt_loaded_ = true;
  }
  if (!nct_salt_ || nct_salt_->empty()) return std::nullopt;
  std::optional<std::string> lid;
  if (chat.is_lid()) lid = chat.user;
  else if (chat.is_pn()) lid = lid_of_pn_locked(chat.user);
  if (!lid) return std::nullopt;
  return make_cs_token(*nct_salt_, *lid);
}

}  // namespace wabot::engine::messaging
