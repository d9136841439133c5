// SPDX-License-Identifier: GPL-3.0-or-later
// DatabaseContactStore: each call is one repository call (the batch of mappings one transaction);
// store errors become engine errors with context; no exception leaves.
#include "host/store/adapters/database_contact_store.hpp"

#include <exception>
#include <utility>

#include "host/store/lid_mapping_repository.hpp"
#include "host/store/nct_salt_repository.hpp"
#include "host/store/privacy_token_repository.hpp"

namespace wabot::store {
namespace {

namespace es = engine::store;

engine::Error store_error(const std::string& message) { return engine::Error(engine::ErrorCode::store, message); }

template <class R, class F>
R guarded(const std::string& what, F&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    return store_error("failed to " + what + ": " + e.what());
  }
}

}  // namespace

engine::Status DatabaseContactStore::put_lid_mappings(const std::vector<es::LidMapping>& mappings) {
  return guarded<engine::Status>("store LID mappings of agent " + agent_id_, [&]() -> engine::Status {
    std::vector<std::pair<std::string, std::string>> pairs;
    pairs.reserve(mappings.size());
    for (const auto& m : mappings) pairs.emplace_back(m.lid, m.pn);
    auto done = LidMappingRepository(db_).put_many(agent_id_, pairs);
    if (!done) return store_error(done.error().message);
    return engine::Ok{};
  });
}

engine::Result<std::optional<std::string>> DatabaseContactStore::lid_for_pn(std::string_view pn_user) {
  using R = engine::Result<std::optional<std::string>>;
  return guarded<R>("look up the LID of " + std::string(pn_user), [&]() -> R {
    auto found = LidMappingRepository(db_).lid_for_pn(agent_id_, pn_user);
    if (!found) return store_error(found.error().message);
    return *found;
  });
}

engine::Result<std::optional<std::string>> DatabaseContactStore::pn_for_lid(std::string_view lid_user) {
  using R = engine::Result<std::optional<std::string>>;
  return guarded<R>("look up the phone number of " + std::string(lid_user), [&]() -> R {
    auto found = LidMappingRepository(db_).pn_for_lid(agent_id_, lid_user);
    if (!found) return store_error(found.error().message);
    return *found;
  });
}

engine::Status DatabaseContactStore::put_privacy_token(std::string_view jid, const es::PrivacyToken& token) {
  return guarded<engine::Status>("store the privacy token of " + std::string(jid), [&]() -> engine::Status {
    auto done = PrivacyTokenRepository(db_).put(agent_id_, jid, PrivacyToken{token.token, token.timestamp_s * 1000});
    if (!done) return store_error(done.error().message);
    return engine::Ok{};
  });
}

engine::Result<std::optional<es::PrivacyToken>> DatabaseContactStore::privacy_token(std::string_view jid) {
  using R = engine::Result<std::optional<es::PrivacyToken>>;
  return guarded<R>("load the privacy token of " + std::string(jid), [&]() -> R {
    auto found = PrivacyTokenRepository(db_).get(agent_id_, jid);
    if (!found) return store_error(found.error().message);
    if (!*found) return std::optional<es::PrivacyToken>{};
    return std::optional<es::PrivacyToken>(es::PrivacyToken{(*found)->token, (*found)->timestamp_ms / 1000});
  });
}

engine::Status DatabaseContactStore::put_nct_salt(const engine::crypto::Bytes& salt) {
  return guarded<engine::Status>("store the NCT salt of agent " + agent_id_, [&]() -> engine::Status {
    auto done = NctSaltRepository(db_).put(agent_id_, salt);
    if (!done) return store_error(done.error().message);
    return engine::Ok{};
  });
}

engine::Result<std::optional<engine::crypto::Bytes>> DatabaseContactStore::nct_salt() {
  using R = engine::Result<std::optional<engine::crypto::Bytes>>;
  return guarded<R>("load the NCT salt of agent " + agent_id_, [&]() -> R {
    auto found = NctSaltRepository(db_).get(agent_id_);
    if (!found) return store_error(found.error().message);
    return *found;
  });
}

}  // namespace wabot::store
