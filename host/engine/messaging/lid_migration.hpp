// SPDX-License-Identifier: GPL-3.0-or-later
// Reading the PN -> LID pairs our own phone sends in a LID_MIGRATION_MAPPING_SYNC protocol message
// (docs/protocol/messaging.md §6), and building that message (tests and the simulator use it).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "host/engine/store/contact_store.hpp"
#include "host/engine/types/result.hpp"
#include "wa_e2e.pb.h"

namespace wabot::engine::messaging {

// Bounds: a payload carries one pair per contact; more than this is refused rather than stored.
inline constexpr std::size_t kMaxLidMigrationPairs = 200'000;
inline constexpr std::size_t kMaxLidMigrationPayloadBytes = 16u << 20;

// The pairs of an encoded LidMigrationMappingSyncPayload (plain protobuf, or gzip-wrapped: both are
// accepted). The LID is latest_lid when set, else assigned_lid; pairs with a zero side are skipped.
Result<std::vector<store::LidMapping>> parse_lid_migration_payload(const std::string& encoded);

// The pairs a decrypted Message carries when it is a LID_MIGRATION_MAPPING_SYNC protocol message;
// nullopt for any other message.
std::optional<Result<std::vector<store::LidMapping>>> lid_migration_pairs(const wabot::proto::Message& message);

// A Message{protocolMessage{type LID_MIGRATION_MAPPING_SYNC, plain payload}} carrying the pairs
// (pairs whose sides are not decimal numbers are left out).
wabot::proto::Message make_lid_migration_message(const std::vector<store::LidMapping>& pairs);

}  // namespace wabot::engine::messaging
