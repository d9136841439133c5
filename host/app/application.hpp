// SPDX-License-Identifier: GPL-3.0-or-later
// The `wabot` command line: Poco ServerApplication with --config, --check-config, --version,
// --list-plugins and --help; serves until SIGINT/SIGTERM.
#pragma once

#include <Poco/Util/ServerApplication.h>

#include <string>

namespace wabot::app {

// Exit statuses of the executable (process exit codes, so plain ints: 0 must mean success).
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;           // a component failed at run time
inline constexpr int exit_usage_or_config = 2;   // bad option or configuration

class Application : public Poco::Util::ServerApplication {
 public:
  Application();

 protected:
  void defineOptions(Poco::Util::OptionSet& options) override;
  void handleOption(const std::string& name, const std::string& value) override;
  int main(const ArgVec& args) override;

 private:
  void print_help();

  std::string config_path_ = "config/wabot.yaml";
  bool help_ = false;
  bool version_ = false;
  bool check_config_ = false;
  bool list_plugins_ = false;
};

// The whole program: option parsing errors become one line on stderr and exit status 2.
int run_application(int argc, char** argv);

}  // namespace wabot::app
