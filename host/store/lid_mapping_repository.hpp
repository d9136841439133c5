// SPDX-License-Identifier: GPL-3.0-or-later
// The LID <-> phone-number mapping of one agent: WhatsApp addresses users by an opaque LID as well
// as by phone number, and the engine must translate both ways. Each side maps to exactly one other.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/store/clock.hpp"
#include "host/store/database.hpp"

namespace wabot::store {

class LidMappingRepository {
 public:
  explicit LidMappingRepository(Database& db, Clock clock = system_clock()) : db_(db), clock_(std::move(clock)) {}

  // Records lid <-> pn (user parts, without device), replacing any older pairing of either side.
  Status put(std::string_view agent_id, std::string_view lid, std::string_view pn);
  // Every (lid, pn) pair in one transaction, in order (a later pair wins over an earlier one it shares
  // a side with); all or nothing.
  Status put_many(std::string_view agent_id, const std::vector<std::pair<std::string, std::string>>& lid_pn_pairs);
  Result<std::optional<std::string>> pn_for_lid(std::string_view agent_id, std::string_view lid);
  Result<std::optional<std::string>> lid_for_pn(std::string_view agent_id, std::string_view pn);

 private:
  Database& db_;
  Clock clock_;
};

}  // namespace wabot::store
