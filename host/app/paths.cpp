// SPDX-License-Identifier: GPL-3.0-or-later
// Executable and plugin directory paths.
#include "host/app/paths.hpp"

#include <Poco/Path.h>

#include <climits>
#include <unistd.h>

namespace wabot::app {

std::string executable_path() {
  char buffer[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0) return "";
  return std::string(buffer, static_cast<std::size_t>(n));
}

std::string resolve_plugin_directory(const std::string& configured, const std::string& executable) {
  if (!configured.empty()) return configured;
  if (executable.empty()) return "plugins";
  Poco::Path dir(executable);
  dir.makeParent();  // .../bin/
  dir.makeParent();  // .../
  dir.pushDirectory("plugins");
  std::string text = dir.toString();
  if (text.size() > 1 && text.back() == '/') text.pop_back();  // callers append "/<name>.so"
  return text;
}

}  // namespace wabot::app
