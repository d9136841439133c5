// SPDX-License-Identifier: GPL-3.0-or-later
// `wabot --list-plugins`: loads each configured plugin (created, never started) and prints what the
// loader made of it.
#pragma once

#include "host/app/config.hpp"

#include <ostream>

namespace wabot::app {

// One tab-separated line per configured plugin, in load order:
//   NAME  VERSION  loaded    PATH
//   NAME  -        disabled  PATH
//   NAME  -        refused   REASON
// config.plugins.directory must already be resolved. Returns the process exit status (0).
int list_plugins(const Config& config, std::ostream& out);

}  // namespace wabot::app
