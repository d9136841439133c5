// SPDX-License-Identifier: GPL-3.0-or-later
// The account's NCT salt (from history sync), one per agent: the key the engine derives <cstoken>
// privacy tokens with. Secret: never logged.
#pragma once

#include <optional>
#include <string_view>

#include "host/store/clock.hpp"
#include "host/store/database.hpp"

namespace wabot::store {

class NctSaltRepository {
 public:
  explicit NctSaltRepository(Database& db, Clock clock = system_clock()) : db_(db), clock_(std::move(clock)) {}

  // Stores (or replaces) the salt; an empty salt is refused.
  Status put(std::string_view agent_id, const Bytes& salt);
  Result<std::optional<Bytes>> get(std::string_view agent_id);

 private:
  Database& db_;
  Clock clock_;
};

}  // namespace wabot::store
