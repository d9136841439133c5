// SPDX-License-Identifier: GPL-3.0-or-later
// Messenger's media half (docs/protocol/messaging.md §9): media_conn, then encryption, HTTPS upload or
// download and verification on the media workers (a BlockingExecutor), never on the connection's
// loop thread; completion through a callback. The message itself goes out through send_message.
#include <charconv>

#include "host/common/log.hpp"
#include "host/engine/media/jpeg_thumbnail.hpp"
#include "host/engine/media/media_decryptor.hpp"
#include "host/engine/media/media_encryptor.hpp"
#include "host/engine/media/media_http_client.hpp"
#include "host/engine/messaging/messenger.hpp"

namespace wabot::engine::messaging {

namespace log = wabot::log;

namespace {

media::MediaType media_type_of(MediaKind kind) {
  switch (kind) {
    case MediaKind::image: return media::MediaType::image;
    case MediaKind::video: return media::MediaType::video;
    case MediaKind::audio: return media::MediaType::audio;
    case MediaKind::document: return media::MediaType::document;
    case MediaKind::sticker: return media::MediaType::sticker;
    case MediaKind::unset: break;
  }
  return media::MediaType::unset;
}

std::string str(const crypto::Key32& k) { return std::string(k.begin(), k.end()); }

std::int64_t parse_int(const std::string& s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// The message for an uploaded body: every field WhatsApp clients read (and a thumbnail for images).
wabot::proto::Message media_message(const OutgoingMedia& m, const media::UploadedMedia& uploaded, const crypto::Key32& key,
                                    const media::MediaDigests& dg, const std::string& agent_id) {
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  wabot::proto::Message msg;
  switch (m.kind) {
    case MediaKind::image: {
      auto* i = msg.mutable_image_message();
      i->set_url(uploaded.url), i->set_direct_path(uploaded.direct_path), i->set_mimetype(m.mimetype.empty() ? "image/jpeg" : m.mimetype);
      i->set_file_sha256(str(dg.file_sha256)), i->set_file_enc_sha256(str(dg.file_enc_sha256)), i->set_file_length(dg.file_length);
      i->set_media_key(str(key)), i->set_media_key_timestamp(now_s);
      if (!m.caption.empty()) i->set_caption(m.caption);
      if (auto img = media::decode_image(m.data)) {
        i->set_width(img->width), i->set_height(img->height);
        if (auto thumb = media::make_jpeg_thumbnail(img.value())) i->set_jpeg_thumbnail(std::string(thumb->begin(), thumb->end()));
      } else {
        log::warn("engine: image not decodable, sent without size and thumbnail", {{"agent", agent_id}, {"error", img.error().message}});
      }
      break;
    }
    case MediaKind::video: {
      auto* v = msg.mutable_video_message();
      v->set_url(uploaded.url), v->set_direct_path(uploaded.direct_path), v->set_mimetype(m.mimetype.empty() ? "video/mp4" : m.mimetype);
      v->set_file_sha256(str(dg.file_sha256)), v->set_file_enc_sha256(str(dg.file_enc_sha256)), v->set_file_length(dg.file_length);
      v->set_media_key(str(key)), v->set_media_key_timestamp(now_s);
      if (!m.caption.empty()) v->set_caption(m.caption);
      break;
    }
    case MediaKind::audio: {
      auto* a = msg.mutable_audio_message();
      a->set_url(uploaded.url), a->set_direct_path(uploaded.direct_path), a->set_mimetype(m.mimetype.empty() ? "audio/ogg; codecs=opus" : m.mimetype);
      a->set_file_sha256(str(dg.file_sha256)), a->set_file_enc_sha256(str(dg.file_enc_sha256)), a->set_file_length(dg.file_length);
      a->set_media_key(str(key)), a->set_media_key_timestamp(now_s);
      break;
    }
    case MediaKind::document: {
      auto* d = msg.mutable_document_message();
      d->set_url(uploaded.url), d->set_direct_path(uploaded.direct_path), d->set_mimetype(m.mimetype.empty() ? "application/octet-stream" : m.mimetype);
      d->set_file_sha256(str(dg.file_sha256)), d->set_file_enc_sha256(str(dg.file_enc_sha256)), d->set_file_length(dg.file_length);
      d->set_media_key(str(key)), d->set_media_key_timestamp(now_s);
      d->set_file_name(m.file_name), d->set_title(m.file_name);
      if (!m.caption.empty()) d->set_caption(m.caption);
      break;
    }
    case MediaKind::sticker: {
      auto* st = msg.mutable_sticker_message();
      st->set_url(uploaded.url), st->set_direct_path(uploaded.direct_path), st->set_mimetype(m.mimetype.empty() ? "image/webp" : m.mimetype);
      st->set_file_sha256(str(dg.file_sha256)), st->set_file_enc_sha256(str(dg.file_enc_sha256)), st->set_file_length(dg.file_length);
      st->set_media_key(str(key)), st->set_media_key_timestamp(now_s);
      break;
    }
    case MediaKind::unset: break;
  }
  return msg;
}

}  // namespace

std::shared_ptr<BlockingExecutor> default_media_executor() {
  static const auto executor = std::make_shared<BlockingExecutor>("media", 4, 1024);
  return executor;
}

void Messenger::media_conn(std::function<void(Result<MediaConn>)> callback) {
  std::optional<MediaConn> cached;
  {
    std::lock_guard lock(mu_);
    if (media_conn_ && std::chrono::steady_clock::now() < media_conn_->expires) cached = *media_conn_;
  }
  if (cached) return callback(std::move(*cached));  // outside the lock: the callback may send
  auto self = shared_from_this();
  channel_->send_request(Node("iq", {{"to", server_jid()}, {"type", "set"}, {"xmlns", "w:m"}}, NodeList{Node("media_conn")}),
                         [self, callback](Result<Node> reply) {
    if (!reply) return callback(reply.error().with_context("media_conn query failed"));
    const Node* mc = reply->child("media_conn");
    if (!mc) return callback(Error(ErrorCode::malformed, "media_conn reply has no <media_conn>"));
    MediaConn conn;
    conn.auth = mc->attr_or("auth");
    for (const Node* h : mc->children_named("host"))
      if (auto name = h->attr("hostname")) conn.hosts.push_back(*name);
    if (conn.auth.empty() || conn.hosts.empty()) return callback(Error(ErrorCode::malformed, "media_conn reply without auth or hosts"));
    std::int64_t ttl_s = parse_int(mc->attr_or("ttl", "0"));
    if (ttl_s <= 0) ttl_s = 60;
    conn.expires = std::chrono::steady_clock::now() + std::chrono::seconds(ttl_s);
    {
      std::lock_guard lock(self->mu_);
      self->media_conn_ = conn;
    }
    callback(std::move(conn));
  }, config_.iq_timeout_ms);
}

void Messenger::send_media(const Jid& to, OutgoingMedia m, SendCallback callback) {
  const media::MediaType type = media_type_of(m.kind);
  if (type == media::MediaType::unset) return callback(Error(ErrorCode::state, "send_media needs a media kind"));
  if (m.data.empty() || m.data.size() > config_.max_media_bytes)
    return callback(Error(ErrorCode::too_large, "media of " + std::to_string(m.data.size()) + " bytes is empty or over the limit"));
  auto self = shared_from_this();
  auto media = std::make_shared<OutgoingMedia>(std::move(m));
  auto shared_cb = std::make_shared<SendCallback>(std::move(callback));
  media_conn([self, to, type, media, shared_cb](Result<MediaConn> conn) {
    if (!conn) return (*shared_cb)(conn.error());
    // Encryption, thumbnail and HTTPS upload run on a media worker: the media_conn answer arrives on
    // the connection's thread, which must stay free for every other stanza.
    auto work = [self, to, type, media, shared_cb, conn = std::move(conn.value())] {
      const crypto::Key32 key = media::generate_media_key();
      auto enc = media::encrypt_media(key, type, media->data);
      if (!enc) return (*shared_cb)(Error(ErrorCode::crypto, "media encryption failed: " + enc.error().message));
      media::MediaHttpClient http(self->config_.tls_ca_file);
      std::optional<media::UploadedMedia> uploaded;
      std::string last_error;
      for (const auto& host : conn.hosts) {  // the next host on failure
        auto up = http.upload(host, type, conn.auth, enc->body, enc->digests.file_enc_sha256);
        if (up) {
          uploaded = up.value();
          break;
        }
        last_error = up.error().message;
      }
      if (!uploaded) {
        {
          std::lock_guard lock(self->mu_);
          self->media_conn_.reset();  // maybe stale auth: ask again next time
        }
        return (*shared_cb)(Error(ErrorCode::io, "media upload failed: " + last_error));
      }
      auto msg = media_message(*media, *uploaded, key, enc->digests, self->config_.agent_id);
      // The send is bounded by its own iq and ack timeouts; its callback is the caller's.
      self->send_message(to, std::move(msg), {}, [shared_cb](Result<SentMessage> r) { (*shared_cb)(std::move(r)); });
    };
    if (!self->media_executor_->post(std::move(work)))
      (*shared_cb)(Error(ErrorCode::io, "cannot send media: the media workers are busy (" +
                                            std::to_string(self->media_executor_->queued()) + " queued)"));
  });
}

void Messenger::download_media(MediaDescriptor d, MediaCallback callback) {
  const media::MediaType type = media_type_of(d.kind);
  if (type == media::MediaType::unset) return callback(Error(ErrorCode::state, "not a media message"));
  if (d.media_key.size() != 32 || d.file_enc_sha256.size() != 32 || d.file_sha256.size() != 32)
    return callback(Error(ErrorCode::malformed, "media descriptor lacks its key or hashes"));
  if (d.file_length > config_.max_media_bytes)
    return callback(Error(ErrorCode::too_large, "media of " + std::to_string(d.file_length) + " bytes is over the limit"));
  if (d.direct_path.empty() && d.url.empty()) return callback(Error(ErrorCode::malformed, "media descriptor has no path or URL"));
  auto self = shared_from_this();
  auto desc = std::make_shared<MediaDescriptor>(std::move(d));
  auto shared_cb = std::make_shared<MediaCallback>(std::move(callback));
  auto fetch = [self, type, desc, shared_cb](std::vector<std::string> urls) {
    auto work = [self, type, desc, shared_cb, urls = std::move(urls)] {
      crypto::Key32 enc_sha{}, sha{};
      std::copy(desc->file_enc_sha256.begin(), desc->file_enc_sha256.end(), enc_sha.begin());
      std::copy(desc->file_sha256.begin(), desc->file_sha256.end(), sha.begin());
      media::MediaHttpClient http(self->config_.tls_ca_file);
      std::string last_error;
      // The body is the ciphertext (padded to 16) plus a 10-byte MAC.
      const std::uint64_t max_body = desc->file_length + 16 + 10;
      for (const auto& url : urls) {
        auto body = http.download(url, std::min<std::uint64_t>(max_body, self->config_.max_media_bytes + 26));
        if (!body) {
          last_error = body.error().message;
          continue;
        }
        auto plain = media::decrypt_media(desc->media_key, type, body.value(), enc_sha, sha);
        if (!plain) return (*shared_cb)(Error(ErrorCode::crypto, "downloaded media does not verify: " + plain.error().message));
        return (*shared_cb)(std::move(plain.value()));
      }
      (*shared_cb)(Error(ErrorCode::io, "media download failed: " + last_error));
    };
    if (!self->media_executor_->post(std::move(work)))
      (*shared_cb)(Error(ErrorCode::io, "cannot download media: the media workers are busy"));
  };
  if (desc->direct_path.empty()) return fetch({desc->url});
  media_conn([desc, fetch, shared_cb](Result<MediaConn> conn) {
    std::vector<std::string> urls;
    if (conn)
      for (const auto& h : conn->hosts) urls.push_back("https://" + h + desc->direct_path);
    if (!desc->url.empty()) urls.push_back(desc->url);
    if (urls.empty()) return (*shared_cb)(conn.error().with_context("media download has no host"));
    fetch(std::move(urls));
  });
}

}  // namespace wabot::engine::messaging
