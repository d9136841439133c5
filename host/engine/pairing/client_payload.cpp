// SPDX-License-Identifier: GPL-3.0-or-later
// ClientPayload contents as whatsmeow sends them (transport.md §3), with our own DeviceProps.
#include "host/engine/pairing/client_payload.hpp"

#include <openssl/evp.h>

#include <charconv>

#include "wa_transport.pb.h"

namespace wabot::engine::pairing {

namespace {

crypto::Bytes to_bytes(const std::string& s) { return crypto::Bytes(s.begin(), s.end()); }

std::string be(std::uint32_t v, int n) {
  std::string out;
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  return out;
}

// MD5 is only an identifier here (the build hash), not a security primitive, so it comes straight
// from OpenSSL rather than through the crypto contract (which has no MD5).
std::string md5(std::string_view text) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(text.data(), text.size(), out, &n, EVP_md5(), nullptr);
  return std::string(reinterpret_cast<char*>(out), n);
}

void fill_common(wabot::proto::ClientPayload& p, const ClientIdentity& id) {
  auto* ua = p.mutable_user_agent();
  ua->set_platform(wabot::proto::ClientPayload::UserAgent::WEB);
  ua->mutable_app_version()->set_primary(id.version.primary);
  ua->mutable_app_version()->set_secondary(id.version.secondary);
  ua->mutable_app_version()->set_tertiary(id.version.tertiary);
  ua->set_mcc("000");
  ua->set_mnc("000");
  ua->set_os_version("0.1");
  ua->set_manufacturer("");
  ua->set_device("Desktop");
  ua->set_os_build_number("0.1");
  ua->set_release_channel(wabot::proto::ClientPayload::UserAgent::RELEASE);
  ua->set_locale_language_iso_639_1("en");
  ua->set_locale_country_iso_3166_1_alpha_2("US");
  p.mutable_web_info()->set_web_sub_platform(wabot::proto::ClientPayload::WebInfo::WEB_BROWSER);
  p.set_connect_type(wabot::proto::ClientPayload::WIFI_UNKNOWN);
  p.set_connect_reason(wabot::proto::ClientPayload::USER_ACTIVATED);
  if (!id.push_name.empty()) p.set_push_name(id.push_name);
}

}  // namespace

Result<WaVersion> WaVersion::parse(std::string_view text) {
  WaVersion v;
  std::uint32_t* parts[3] = {&v.primary, &v.secondary, &v.tertiary};
  std::size_t pos = 0;
  for (int i = 0; i < 3; ++i) {
    auto end = text.find('.', pos);
    if ((i < 2) == (end == std::string_view::npos)) return Error(ErrorCode::malformed, "version '" + std::string(text) + "' is not a.b.c");
    auto part = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), *parts[i]);
    if (part.empty() || ec != std::errc() || p != part.data() + part.size())
      return Error(ErrorCode::malformed, "version '" + std::string(text) + "' has a non-numeric part");
    pos = end + 1;
  }
  return v;
}

std::string WaVersion::to_string() const {
  return std::to_string(primary) + "." + std::to_string(secondary) + "." + std::to_string(tertiary);
}

char qr_client_type(DevicePlatform platform) {
  switch (platform) {
    case DevicePlatform::chrome: return '1';
    case DevicePlatform::edge: return '2';
    case DevicePlatform::firefox: return '3';
    case DevicePlatform::safari: return '6';
    case DevicePlatform::desktop: return '7';
    case DevicePlatform::unknown: return '9';
  }
  return '9';
}

crypto::Bytes registration_payload(const store::Credentials& creds, const ClientIdentity& id) {
  wabot::proto::ClientPayload p;
  fill_common(p, id);
  p.set_passive(false);
  p.set_pull(false);

  wabot::proto::DeviceProps props;
  props.set_os(id.os_name);
  props.mutable_version()->set_primary(0);
  props.mutable_version()->set_secondary(1);
  props.mutable_version()->set_tertiary(0);
  props.set_platform_type(static_cast<wabot::proto::DeviceProps::PlatformType>(static_cast<int>(id.platform)));
  props.set_require_full_sync(false);
  auto* h = props.mutable_history_sync_config();
  h->set_storage_quota_mb(10240);
  h->set_inline_initial_payload_in_e2ee_msg(true);
  h->set_support_call_log_history(false);
  h->set_support_bot_user_agent_chat_history(true);
  h->set_support_cag_reactions_and_polls(true);
  h->set_support_biz_hosted_msg(true);
  h->set_support_recent_sync_chunk_message_count_tuning(true);
  h->set_support_hosted_group_msg(true);
  h->set_support_fbid_bot_chat_history(true);
  h->set_support_message_association(true);
  h->set_support_group_history(false);

  auto* reg = p.mutable_device_pairing_data();
  reg->set_e_regid(be(creds.registration_id, 4));
  reg->set_e_keytype(std::string(1, '\x05'));
  reg->set_e_ident(std::string(creds.identity_key.public_key.begin(), creds.identity_key.public_key.end()));
  reg->set_e_skey_id(be(creds.signed_pre_key.id, 3));
  reg->set_e_skey_val(std::string(creds.signed_pre_key.key_pair.public_key.begin(), creds.signed_pre_key.key_pair.public_key.end()));
  reg->set_e_skey_sig(std::string(creds.signed_pre_key.signature.begin(), creds.signed_pre_key.signature.end()));
  reg->set_build_hash(md5(id.version.to_string()));
  reg->set_device_props(props.SerializeAsString());
  return to_bytes(p.SerializeAsString());
}

Result<crypto::Bytes> login_payload(const store::Credentials& creds, const ClientIdentity& id) {
  if (!creds.device_jid) return Error(ErrorCode::state, "cannot build a login payload: the device is not linked");
  std::uint64_t user = 0;
  const std::string& u = creds.device_jid->user;
  auto [p_end, ec] = std::from_chars(u.data(), u.data() + u.size(), user);
  if (u.empty() || ec != std::errc() || p_end != u.data() + u.size())
    return Error(ErrorCode::malformed, "stored device JID user '" + u + "' is not a phone number");
  wabot::proto::ClientPayload p;
  fill_common(p, id);
  p.set_username(user);
  p.set_device(creds.device_jid->device);
  p.set_passive(true);
  p.set_pull(true);
  p.set_lc(1);
  p.set_lid_db_migrated(true);
  return to_bytes(p.SerializeAsString());
}

}  // namespace wabot::engine::pairing
