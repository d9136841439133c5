// SPDX-License-Identifier: GPL-3.0-or-later
// Validation of a plugin's config subtree against its declared keys.
#include "host/plugins/plugin_config.hpp"

#include <wabot/config_value.hpp>

#include <cstring>

namespace wabot::plugins {

namespace {
bool known_type(wabot_config_type t) { return t >= WABOT_CONFIG_STRING && t <= WABOT_CONFIG_DURATION; }
Status config_error(std::string message) { return Status::error(WABOT_ERR_CONFIG, std::move(message)); }
}  // namespace

Result<PluginConfig> PluginConfig::validate(const YAML::Node& node, const wabot_config_key* keys, std::size_t key_count) {
  if (key_count > max_keys) return config_error("the plugin declares " + std::to_string(key_count) + " config keys (at most 256)");
  if (key_count > 0 && !keys) return config_error("the plugin declares config keys but no table");
  PluginConfig config;
  for (std::size_t i = 0; i < key_count; ++i) {
    const wabot_config_key& k = keys[i];
    if (k.struct_size < sizeof(wabot_config_key))
      return config_error("config key #" + std::to_string(i) + " has a struct_size too small");
    if (!k.name || !*k.name || std::strlen(k.name) > 128)
      return config_error("config key #" + std::to_string(i) + " has no valid name");
    if (!known_type(k.type)) return config_error(std::string("config key ") + k.name + " has an unknown type");
    if (k.default_value && !config_value::is_valid(k.type, k.default_value))
      return config_error(std::string("config key ") + k.name + " has a default that is not a " +
                          std::string(config_value::type_name(k.type)));
    Value v{k.type, k.default_value ? std::optional<std::string>(k.default_value) : std::nullopt};
    if (!config.values_.emplace(k.name, std::move(v)).second)
      return config_error(std::string("config key ") + k.name + " is declared twice");
  }

  if (!node || node.IsNull()) return config;
  if (!node.IsMap()) return config_error("the plugin's config must be a map of keys");
  try {
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) return config_error("a config key is not a plain name");
      const std::string name = entry.first.Scalar();
      auto it = config.values_.find(name);
      if (it == config.values_.end()) return config_error("undeclared config key: " + name);
      if (!entry.second.IsScalar())
        return config_error("config key " + name + " must be a " + std::string(config_value::type_name(it->second.type)));
      const std::string text = entry.second.Scalar();
      if (!config_value::is_valid(it->second.type, text))
        return config_error("config key " + name + " is not a " + std::string(config_value::type_name(it->second.type)));  // never the value: it may be a secret
      it->second.text = text;
    }
  } catch (const YAML::Exception& e) {
    return config_error(std::string("unreadable plugin config: ") + e.what());
  }
  return config;
}

const PluginConfig::Value* PluginConfig::find(std::string_view key) const {
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

}  // namespace wabot::plugins
