// SPDX-License-Identifier: GPL-3.0-or-later
// PluginConfig: a plugin's config subtree checked against the key table it declares (Fluent Bit's
// config map): undeclared keys, non-scalar values and values of the wrong type are refused by name.
#pragma once

#include <wabot/abi.h>
#include <wabot/status.hpp>

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace wabot::plugins {

class PluginConfig {
 public:
  struct Value {
    wabot_config_type type = WABOT_CONFIG_UNSET;
    std::optional<std::string> text;  // the configured value, else the declared default, else none
  };

  // Most keys a plugin may declare: a bound on what a malformed descriptor can make us read.
  static constexpr std::size_t max_keys = 256;

  // Checks the declared table (well-formed entries, known types, valid defaults, no duplicates) and
  // then `node` (null, or a map of scalars) against it.
  static Result<PluginConfig> validate(const YAML::Node& node, const wabot_config_key* keys, std::size_t key_count);

  const Value* find(std::string_view key) const;

 private:
  std::map<std::string, Value, std::less<>> values_;
};

}  // namespace wabot::plugins
