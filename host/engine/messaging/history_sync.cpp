// SPDX-License-Identifier: GPL-3.0-or-later
// History-sync blob parsing: bounded inflate, our HistorySync subset (other fields stay unknown and
// are dropped with the message), JIDs checked before a pair is kept.
#include "host/engine/messaging/history_sync.hpp"

#include <limits>

#include "host/engine/binary/binary_decoder.hpp"
#include "host/engine/types/jid.hpp"
#include "wa_history_sync.pb.h"

namespace wabot::engine::messaging {

Result<HistorySyncContents> parse_history_sync_blob(crypto::ByteView decrypted, std::size_t max_inflated_bytes) {
  auto inflated = binary::inflate_bounded(decrypted, max_inflated_bytes, binary::CompressionWrapper::zlib_or_gzip);
  if (!inflated) return inflated.error().with_context("the history-sync blob does not inflate");
  if (inflated->size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    return Error(ErrorCode::too_large, "the history-sync blob is too large to parse");
  wabot::proto::HistorySync hs;
  if (!hs.ParseFromArray(inflated->data(), static_cast<int>(inflated->size())))
    return Error(ErrorCode::malformed, "the history-sync blob does not parse as HistorySync");
  HistorySyncContents out;
  out.sync_type = hs.sync_type();
  out.nct_salt.assign(hs.nct_salt().begin(), hs.nct_salt().end());
  out.mappings.reserve(static_cast<std::size_t>(hs.phone_number_to_lid_mappings_size()));
  for (const auto& m : hs.phone_number_to_lid_mappings()) {
    auto pn = Jid::parse(m.pn_jid());
    auto lid = Jid::parse(m.lid_jid());
    // Older blobs name phones on c.us; the user part is what we keep.
    if (!pn || !lid || !lid->is_lid() || (!pn->is_pn() && pn->server != server::legacy_user) || pn->user.empty() || lid->user.empty()) continue;
    out.mappings.push_back(store::LidMapping{pn->user, lid->user});
  }
  return out;
}

crypto::Bytes make_cs_token(crypto::ByteView nct_salt, const std::string& lid_user) {
  const std::string jid = lid_user + "@lid";
  auto mac = crypto::hmac_sha256(nct_salt, crypto::view(jid));
  return crypto::Bytes(mac.begin(), mac.end());
}

}  // namespace wabot::engine::messaging
