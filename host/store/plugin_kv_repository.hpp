// SPDX-License-Identifier: GPL-3.0-or-later
// Plugin-private key/value data (the SDK "store" service), namespaced by plugin name.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "host/store/clock.hpp"
#include "host/store/database.hpp"

namespace wabot::store {

class PluginKvRepository {
 public:
  // The SDK's limits (abi.h: keys 1..256 bytes, values up to 1 MiB); larger is invalid_argument.
  static constexpr std::size_t kMaxKeyBytes = 256;
  static constexpr std::size_t kMaxValueBytes = 1u << 20;

  explicit PluginKvRepository(Database& db, Clock clock = system_clock()) : db_(db), clock_(std::move(clock)) {}

  // Keys and values are arbitrary bytes (an empty value is allowed).
  Status put(std::string_view plugin, std::string_view key, std::string_view value);
  // nullopt when absent.
  Result<std::optional<std::string>> get(std::string_view plugin, std::string_view key);
  // True when a row was removed.
  Result<bool> remove(std::string_view plugin, std::string_view key);

 private:
  Database& db_;
  Clock clock_;
};

}  // namespace wabot::store
