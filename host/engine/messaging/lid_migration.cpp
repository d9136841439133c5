// SPDX-License-Identifier: GPL-3.0-or-later
// LID migration payloads: bounded parsing (size, pair count) so a hostile peer device cannot make us
// allocate without limit; numbers are written as decimal user parts.
#include "host/engine/messaging/lid_migration.hpp"

#include <charconv>

#include "host/engine/binary/binary_decoder.hpp"
#include "wa_lid_migration.pb.h"

namespace wabot::engine::messaging {

namespace {

constexpr std::uint32_t kLidMigrationMappingSync = 22;  // ProtocolMessage.Type LID_MIGRATION_MAPPING_SYNC

std::optional<std::uint64_t> decimal(const std::string& s) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v == 0) return std::nullopt;
  return v;
}

}  // namespace

Result<std::vector<store::LidMapping>> parse_lid_migration_payload(const std::string& encoded) {
  if (encoded.empty()) return Error(ErrorCode::malformed, "the LID migration payload is empty");
  if (encoded.size() > kMaxLidMigrationPayloadBytes)
    return Error(ErrorCode::too_large, "the LID migration payload of " + std::to_string(encoded.size()) + " bytes is over the limit");
  const crypto::ByteView raw = crypto::view(encoded);
  wabot::proto::LidMigrationMappingSyncPayload payload;
  bool parsed = false;
  const bool gzip = raw.size() >= 2 && raw[0] == 0x1f && raw[1] == 0x8b;  // the gzip magic
  if (gzip) {
    auto inflated = binary::inflate_bounded(raw, kMaxLidMigrationPayloadBytes, binary::CompressionWrapper::zlib_or_gzip);
    if (!inflated) return inflated.error().with_context("the LID migration payload does not inflate");
    parsed = payload.ParseFromArray(inflated->data(), static_cast<int>(inflated->size()));
  } else {
    parsed = payload.ParseFromString(encoded);
  }
  if (!parsed) return Error(ErrorCode::malformed, "the LID migration payload does not parse");
  if (static_cast<std::size_t>(payload.pn_to_lid_mappings_size()) > kMaxLidMigrationPairs)
    return Error(ErrorCode::too_large, "the LID migration payload has " + std::to_string(payload.pn_to_lid_mappings_size()) +
                                           " pairs, over the limit of " + std::to_string(kMaxLidMigrationPairs));
  std::vector<store::LidMapping> pairs;
  pairs.reserve(static_cast<std::size_t>(payload.pn_to_lid_mappings_size()));
  for (const auto& m : payload.pn_to_lid_mappings()) {
    const std::uint64_t lid = m.latest_lid() != 0 ? m.latest_lid() : m.assigned_lid();
    if (m.pn() == 0 || lid == 0) continue;
    pairs.push_back(store::LidMapping{std::to_string(m.pn()), std::to_string(lid)});
  }
  return pairs;
}

std::optional<Result<std::vector<store::LidMapping>>> lid_migration_pairs(const wabot::proto::Message& message) {
  if (!message.has_protocol_message()) return std::nullopt;
  const auto& pm = message.protocol_message();
  if (!pm.has_type() || pm.type() != kLidMigrationMappingSync || !pm.has_lid_migration_mapping_sync_message()) return std::nullopt;
  return parse_lid_migration_payload(pm.lid_migration_mapping_sync_message().encoded_mapping_payload());
}

wabot::proto::Message make_lid_migration_message(const std::vector<store::LidMapping>& pairs) {
  wabot::proto::LidMigrationMappingSyncPayload payload;
  for (const auto& p : pairs) {
    auto pn = decimal(p.pn);
    auto lid = decimal(p.lid);
    if (!pn || !lid) continue;  // not numeric user parts: nothing the phone would send
    auto* m = payload.add_pn_to_lid_mappings();
    m->set_pn(*pn);
    m->set_assigned_lid(*lid);
  }
  wabot::proto::Message msg;
  auto* pm = msg.mutable_protocol_message();
  pm->set_type(kLidMigrationMappingSync);
  pm->mutable_lid_migration_mapping_sync_message()->set_encoded_mapping_payload(payload.SerializeAsString());
  return msg;
}

}  // namespace wabot::engine::messaging
