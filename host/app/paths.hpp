// SPDX-License-Identifier: GPL-3.0-or-later
// File-system locations the host derives at run time: its own executable and the plugin directory.
#pragma once

#include <string>

namespace wabot::app {

// Absolute path of the running executable (/proc/self/exe); empty when unknown.
std::string executable_path();

// plugins.directory as configured, or "<exe dir>/../plugins" when it is empty (the build tree puts
// build/bin/wabot beside build/plugins/, an install puts bin/ beside plugins/).
std::string resolve_plugin_directory(const std::string& configured, const std::string& executable);

}  // namespace wabot::app
