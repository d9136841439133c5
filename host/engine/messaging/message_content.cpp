// SPDX-License-Identifier: GPL-3.0-or-later
// Building and reading Message protobufs.
#include "host/engine/messaging/message_content.hpp"

namespace wabot::engine::messaging {

const char* to_string(MediaKind kind) {
  switch (kind) {
    case MediaKind::image: return "image";
    case MediaKind::video: return "video";
    case MediaKind::audio: return "audio";
    case MediaKind::document: return "document";
    case MediaKind::sticker: return "sticker";
    case MediaKind::unset: break;
  }
  return "unset";
}

wabot::proto::Message make_text_message(const std::string& text, const std::vector<std::string>& mentions,
                                        const QuotedMessage* quoted) {
  wabot::proto::Message m;
  if (mentions.empty() && quoted == nullptr) {
    m.set_conversation(text);
    return m;
  }
  auto* ext = m.mutable_extended_text_message();
  ext->set_text(text);
  auto* ctx = ext->mutable_context_info();
  if (quoted != nullptr) {
    ctx->set_stanza_id(quoted->id);
    ctx->set_participant(quoted->participant);
    ctx->mutable_quoted_message()->set_conversation(quoted->text);
    if (!quoted->remote_jid.empty()) ctx->set_remote_jid(quoted->remote_jid);
  }
  for (const auto& j : mentions) ctx->add_mentioned_jid(j);
  return m;
}

const wabot::proto::Message& unwrap_message(const wabot::proto::Message& message) {
  const wabot::proto::Message* m = &message;
  // Bounded: protobuf parsing already limits nesting depth, and each step goes one level down.
  for (int depth = 0; depth < 16; ++depth) {
    if (m->has_device_sent_message() && m->device_sent_message().has_message()) {
      m = &m->device_sent_message().message();
    } else if (m->has_ephemeral_message() && m->ephemeral_message().has_message()) {
      m = &m->ephemeral_message().message();
    } else if (m->has_view_once_message() && m->view_once_message().has_message()) {
      m = &m->view_once_message().message();
    } else if (m->has_view_once_message_v2() && m->view_once_message_v2().has_message()) {
      m = &m->view_once_message_v2().message();
    } else if (m->has_view_once_message_v2_extension() && m->view_once_message_v2_extension().has_message()) {
      m = &m->view_once_message_v2_extension().message();
    } else if (m->has_document_with_caption_message() && m->document_with_caption_message().has_message()) {
      m = &m->document_with_caption_message().message();
    } else if (m->has_edited_message() && m->edited_message().has_message()) {
      m = &m->edited_message().message();
    } else {
      break;
    }
  }
  return *m;
}

namespace {

void read_context(const wabot::proto::ContextInfo& ctx, InboundMessage& out) {
  out.quoted_id = ctx.stanza_id();
  out.quoted_participant = ctx.participant();
  out.mentions.assign(ctx.mentioned_jid().begin(), ctx.mentioned_jid().end());
}

Bytes to_bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

template <class M>
MediaDescriptor common_media(MediaKind kind, const M& m) {
  MediaDescriptor d;
  d.kind = kind;
  d.mimetype = m.mimetype();
  d.url = m.url();
  d.direct_path = m.direct_path();
  d.media_key = to_bytes(m.media_key());
  d.file_sha256 = to_bytes(m.file_sha256());
  d.file_enc_sha256 = to_bytes(m.file_enc_sha256());
  d.file_length = m.file_length();
  return d;
}

}  // namespace

bool describe_content(const wabot::proto::Message& m, InboundMessage& out) {
  if (m.has_conversation()) {
    out.text = m.conversation();
    return true;
  }
  if (m.has_extended_text_message()) {
    out.text = m.extended_text_message().text();
    if (m.extended_text_message().has_context_info()) read_context(m.extended_text_message().context_info(), out);
    return true;
  }
  if (m.has_image_message()) {
    const auto& i = m.image_message();
    out.media = common_media(MediaKind::image, i);
    out.media->width = i.width();
    out.media->height = i.height();
    out.text = i.caption();
    if (i.has_context_info()) read_context(i.context_info(), out);
    return true;
  }
  if (m.has_video_message()) {
    const auto& v = m.video_message();
    out.media = common_media(MediaKind::video, v);
    out.media->width = v.width();
    out.media->height = v.height();
    out.text = v.caption();
    if (v.has_context_info()) read_context(v.context_info(), out);
    return true;
  }
  if (m.has_audio_message()) {
    out.media = common_media(MediaKind::audio, m.audio_message());
    if (m.audio_message().has_context_info()) read_context(m.audio_message().context_info(), out);
    return true;
  }
  if (m.has_document_message()) {
    const auto& d = m.document_message();
    out.media = common_media(MediaKind::document, d);
    out.media->file_name = d.file_name();
    out.text = d.caption();
    if (d.has_context_info()) read_context(d.context_info(), out);
    return true;
  }
  if (m.has_sticker_message()) {
    const auto& s = m.sticker_message();
    out.media = common_media(MediaKind::sticker, s);
    out.media->width = s.width();
    out.media->height = s.height();
    return true;
  }
  if (m.has_protocol_message()) {
    out.is_protocol = true;
    return false;
  }
  return false;
}

}  // namespace wabot::engine::messaging
