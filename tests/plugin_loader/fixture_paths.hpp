// SPDX-License-Identifier: GPL-3.0-or-later
// Where the fixture plugins were built (WABOT_FIXTURE_PLUGIN_DIR, set by CMake), and specs naming them.
#pragma once

#include "host/plugins/plugin_spec.hpp"

#include <cstdlib>
#include <string>

namespace wabot::plugins::testing {

inline std::string fixture_dir() {
  const char* dir = std::getenv("WABOT_FIXTURE_PLUGIN_DIR");
  return dir ? dir : "plugin_fixtures";
}

inline PluginSpec fixture_spec(const std::string& name, const std::string& config_yaml = "") {
  PluginSpec spec;
  spec.name = name;
  if (!config_yaml.empty()) spec.config = YAML::Load(config_yaml);
  return spec;
}

inline PluginsConfig fixture_config(std::initializer_list<PluginSpec> specs, std::size_t queue_capacity = 1024) {
  PluginsConfig config;
  config.directory = fixture_dir();
  config.queue_capacity = queue_capacity;
  config.plugins = specs;
  return config;
}

}  // namespace wabot::plugins::testing
