// SPDX-License-Identifier: GPL-3.0-or-later
// `wabot --list-plugins`: one line per configured plugin.
#pragma once

#include "host/plugins/plugin_spec.hpp"

#include <functional>
#include <ostream>

namespace wabot::app {

// Prints "NAME<TAB>enabled|disabled<TAB>PATH" per plugin, in load order; PATH is the explicit path
// or <directory>/<name>.so.
void list_configured_plugins(const plugins::PluginsConfig& plugins, std::ostream& out);

// INTEGRATION(plugins): the plugin loader replaces this with a lister that loads each plugin and
// prints name, version and state (loaded / refused: reason). Returns the process exit status.
using PluginLister = std::function<int(const plugins::PluginsConfig& plugins, std::ostream& out)>;
PluginLister& plugin_lister_hook();

}  // namespace wabot::app
