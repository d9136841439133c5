// What the configuration says about one plugin to load: the contract between host/app (which parses
// wabot.yaml) and host/plugins (which loads and starts plugins).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace wabot::plugins {

struct PluginSpec {
  std::string name;      // "rest_api"; also the file name stem in the plugin directory
  std::string path;      // explicit path to the shared library; empty: <plugin_dir>/<name>.so
  bool enabled = true;   // false: listed but not loaded
  YAML::Node config;     // the plugin's own subtree (may be null); validated against its declared keys
};

struct PluginsConfig {
  std::string directory;            // plugins.directory
  std::size_t queue_capacity = 1024;// plugins.queue_capacity: events buffered per plugin before drops
  std::vector<PluginSpec> plugins;  // in load order; stopped in reverse order
  // Added by host/plugins (fields only ever appended):
  std::size_t dispatch_threads = 2; // plugins.dispatch_threads: the one pool running every plugin's queue
};

}  // namespace wabot::plugins
