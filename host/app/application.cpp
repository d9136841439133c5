// SPDX-License-Identifier: GPL-3.0-or-later
// Command-line handling and the serve loop of the wabot executable.
#include "host/app/application.hpp"

#include "host/app/config.hpp"
#include "host/app/host.hpp"
#include "host/app/paths.hpp"
#include "host/app/plugin_listing.hpp"
#include "host/common/log.hpp"

#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>

#include <iostream>

#ifndef WABOT_VERSION
#define WABOT_VERSION "0.0.0"
#endif

namespace wabot::app {

Application::Application() { setUnixOptions(true); }

void Application::defineOptions(Poco::Util::OptionSet& options) {
  // Not ServerApplication::defineOptions: wabot runs in the foreground (systemd, containers), so
  // --daemon/--pidfile/--umask are not offered.
  Poco::Util::Application::defineOptions(options);
  options.addOption(Poco::Util::Option("config", "c", "configuration file (default config/wabot.yaml)")
                        .required(false).repeatable(false).argument("FILE"));
  options.addOption(Poco::Util::Option("check-config", "", "validate the configuration and exit (0 valid, 2 invalid)")
                        .required(false).repeatable(false));
  options.addOption(Poco::Util::Option("list-plugins", "", "print the configured plugins and exit")
                        .required(false).repeatable(false));
  options.addOption(Poco::Util::Option("version", "v", "print the version and exit").required(false).repeatable(false));
  options.addOption(Poco::Util::Option("help", "h", "print this help and exit").required(false).repeatable(false));
}

void Application::handleOption(const std::string& name, const std::string& value) {
  Poco::Util::Application::handleOption(name, value);
  if (name == "config") config_path_ = value;
  else if (name == "check-config") check_config_ = true;
  else if (name == "list-plugins") list_plugins_ = true;
  else if (name == "version") version_ = true;
  else if (name == "help") {
    help_ = true;
    stopOptionsProcessing();
  }
}

void Application::print_help() {
  Poco::Util::HelpFormatter formatter(options());
  formatter.setCommand(commandName());
  formatter.setUsage("[--config FILE] [--check-config | --list-plugins | --version | --help]");
  formatter.setHeader("wabot: a self-hosted, multi-tenant WhatsApp bot platform.");
  formatter.setFooter(
      "Environment overrides: PORT, APP_BASE_URL, AI_BACKEND_URL, CORS_ORIGINS, TEMP_DIR, DB_URL, LOG_LEVEL, "
      "DEVELOPER_JID. Exit status: 0 ok, 1 failure at run time, 2 bad usage or configuration.");
  formatter.format(std::cout);
}

int Application::main(const ArgVec& args) {
  if (help_) {
    print_help();
    return exit_ok;
  }
  if (version_) {
    std::cout << "wabot " << WABOT_VERSION << "\n";
    return exit_ok;
  }
  if (!args.empty()) {
    std::cerr << "wabot: unexpected argument \"" << args.front() << "\" (see --help)\n";
    return exit_usage_or_config;
  }

  ConfigResult loaded = load_config_file(config_path_, process_env());
  if (!loaded.ok()) {
    std::cerr << loaded.error << "\n";
    return exit_usage_or_config;
  }
  Config& config = loaded.config;
  if (check_config_) {
    std::cout << "config: " << config_path_ << " is valid\n";
    return exit_ok;
  }
  if (list_plugins_) {
    config.plugins.directory = resolve_plugin_directory(config.plugins.directory, executable_path());
    return list_plugins(config, std::cout);
  }

  log::Level level{};
  log::parse_level(config.log.level, level);  // validated by the config parser
  log::set_level(level);

  Host host(std::move(config), executable_path());
  std::string error = host.start();
  if (!error.empty()) {
    log::error("wabot failed to start", {{"cause", error}});
    return exit_failure;
  }
  waitForTerminationRequest();
  log::info("termination requested: stopping");
  host.stop();
  log::info("wabot stopped");
  return exit_ok;
}

int run_application(int argc, char** argv) {
  try {
    Application app;
    try {
      app.init(argc, argv);
    } catch (const Poco::Exception& e) {
      std::cerr << "wabot: " << e.displayText() << " (see --help)\n";
      return exit_usage_or_config;
    }
    // Through the base: ServerApplication makes run() protected; its Unix version is Application::run().
    return static_cast<Poco::Util::Application&>(app).run();
  } catch (const std::exception& e) {
    std::cerr << "wabot: " << e.what() << "\n";
    return exit_failure;
  } catch (...) {
    std::cerr << "wabot: unknown error\n";
    return exit_failure;
  }
}

}  // namespace wabot::app
