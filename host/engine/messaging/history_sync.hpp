// SPDX-License-Identifier: GPL-3.0-or-later
// What the engine takes from a history-sync blob (HISTORY_SYNC_NOTIFICATION from our phone, §6): the
// PN -> LID pairs and the NCT salt for <cstoken>. The blob is downloaded and decrypted as media type
// md-msg-hist ("WhatsApp History Keys"), then zlib-inflated and parsed here.
#pragma once

#include <cstddef>
#include <vector>

#include "host/engine/crypto/crypto.hpp"
#include "host/engine/store/contact_store.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::engine::messaging {

// An inflated blob over this is refused (initial bootstrap chunks are a few MiB).
inline constexpr std::size_t kMaxHistorySyncInflatedBytes = 128u << 20;

struct HistorySyncContents {
  std::uint32_t sync_type = 0;            // HistorySync.syncType as sent (0 = INITIAL_BOOTSTRAP)
  std::vector<store::LidMapping> mappings;  // pairs whose JIDs are not PN / LID are skipped
  crypto::Bytes nct_salt;                 // empty when the blob carries none (secret: never logged)
};

// Inflates (zlib) and parses a decrypted history-sync blob.
Result<HistorySyncContents> parse_history_sync_blob(crypto::ByteView decrypted, std::size_t max_inflated_bytes = kMaxHistorySyncInflatedBytes);

// <cstoken> = HMAC-SHA256(nct salt, "<lid user>@lid"): sent to a contact for whom no trusted-contact
// token is held (whatsmeow cstoken.go).
crypto::Bytes make_cs_token(crypto::ByteView nct_salt, const std::string& lid_user);

}  // namespace wabot::engine::messaging
