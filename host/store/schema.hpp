// SPDX-License-Identifier: GPL-3.0-or-later
// wabot's schema as numbered migrations. Append new migrations at the end; never edit a released one.
#pragma once

#include <vector>

#include "host/store/migration.hpp"

namespace wabot::store {

const std::vector<Migration>& schema_migrations();

// Opens nothing itself: applies schema_migrations() to an open database (the start-up step).
Result<MigrationReport> migrate(Database& db);

}  // namespace wabot::store
