// SPDX-License-Identifier: GPL-3.0-or-later
// Listing of the configured plugins through the real loader.
#include "host/app/plugin_listing.hpp"

#include "host/plugins/plugin_manager.hpp"

#include <wabot/health.hpp>

#include <filesystem>

namespace wabot::app {

int list_plugins(const Config& config, std::ostream& out) {
  plugins::HostBackends backends;  // no routes, sessions or health: nothing is started
  for (auto& [key, value] : config.shared_values()) backends.shared_config.emplace(key, value);
  plugins::PluginManager manager(config.plugins, backends);
  manager.load_all();
  const auto loaded = manager.plugins();
  const auto& refusals = manager.refusals();

  for (const auto& spec : config.plugins.plugins) {
    std::string path = spec.path.empty()
                           ? (std::filesystem::path(config.plugins.directory) / (spec.name + ".so")).string()
                           : spec.path;
    if (!spec.enabled) {
      out << spec.name << "\t-\tdisabled\t" << path << '\n';
      continue;
    }
    bool printed = false;
    for (const auto& p : loaded)
      if (p.name == spec.name) {
        out << p.name << '\t' << p.version << '\t' << plugin_state_name(p.state) << '\t' << path << '\n';
        printed = true;
        break;
      }
    if (printed) continue;
    std::string reason = "not loaded";
    for (const auto& r : refusals)
      if (r.name == spec.name) reason = r.reason;
    out << spec.name << "\t-\trefused\t" << reason << '\n';
  }
  return 0;
}

}  // namespace wabot::app
