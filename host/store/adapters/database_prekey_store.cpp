// SPDX-License-Identifier: GPL-3.0-or-later
// DatabasePreKeyStore: reserve ids, generate key pairs, store them in one transaction.
#include "host/store/adapters/database_prekey_store.hpp"

#include <exception>

#include "host/engine/crypto/crypto.hpp"
#include "host/store/adapters/key_bytes.hpp"
#include "host/store/signal_repository.hpp"

namespace wabot::store {
namespace {

engine::Error store_error(const std::string& message) { return engine::Error(engine::ErrorCode::store, message); }

}  // namespace

engine::Result<std::vector<engine::client::PreKey>> DatabasePreKeyStore::generate_pre_keys(std::string_view agent_id,
                                                                                          std::size_t count) {
  try {
    if (count < 1 || count > SignalRepository::kMaxPreKeyBatch)
      return engine::Error(engine::ErrorCode::too_large,
                           "prekey batch must be 1.." + std::to_string(SignalRepository::kMaxPreKeyBatch));
    SignalRepository signal(db_);
    auto first = signal.reserve_prekey_ids(agent_id, static_cast<std::uint32_t>(count));
    if (!first) return store_error(first.error().message);
    std::vector<engine::client::PreKey> keys;
    std::vector<PreKey> rows;
    keys.reserve(count);
    rows.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      engine::client::PreKey key{static_cast<std::uint32_t>(*first + i), engine::crypto::generate_key_pair()};
      rows.push_back(PreKey{key.id, adapters::to_bytes(key.key_pair.private_key),
                            adapters::to_bytes(key.key_pair.public_key), false});
      keys.push_back(key);
    }
    // Persisted before the caller uploads them: a pkmsg to any uploaded prekey must be decryptable.
    if (auto stored = signal.store_prekeys(agent_id, rows); !stored) return store_error(stored.error().message);
    return keys;
  } catch (const std::exception& e) {
    return store_error("failed to generate prekeys for agent " + std::string(agent_id) + ": " + e.what());
  }
}

engine::Status DatabasePreKeyStore::mark_uploaded(std::string_view agent_id, std::uint32_t up_to_id) {
  try {
    auto marked = SignalRepository(db_).mark_prekeys_uploaded(agent_id, up_to_id);
    if (!marked) return store_error(marked.error().message);
    return engine::Ok{};
  } catch (const std::exception& e) {
    return store_error("failed to mark prekeys uploaded for agent " + std::string(agent_id) + ": " + e.what());
  }
}

}  // namespace wabot::store
