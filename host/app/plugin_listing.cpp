// SPDX-License-Identifier: GPL-3.0-or-later
// Listing of the configured plugins.
#include "host/app/plugin_listing.hpp"

namespace wabot::app {

void list_configured_plugins(const plugins::PluginsConfig& plugins, std::ostream& out) {
  for (const auto& spec : plugins.plugins) {
    std::string path = spec.path.empty() ? plugins.directory + "/" + spec.name + ".so" : spec.path;
    out << spec.name << '\t' << (spec.enabled ? "enabled" : "disabled") << '\t' << path << '\n';
  }
}

PluginLister& plugin_lister_hook() {
  static PluginLister lister = [](const plugins::PluginsConfig& plugins, std::ostream& out) {
    list_configured_plugins(plugins, out);
    return 0;
  };
  return lister;
}

}  // namespace wabot::app
