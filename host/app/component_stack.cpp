// SPDX-License-Identifier: GPL-3.0-or-later
// Ordered start and reverse stop of the host's components.
#include "host/app/component_stack.hpp"

#include "host/common/log.hpp"

#include <chrono>

namespace wabot::app {
namespace {
std::string elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count());
}
}  // namespace

std::string ComponentStack::start(std::unique_ptr<Component> component) {
  const std::string name(component->name());
  const auto started = std::chrono::steady_clock::now();
  std::string error;
  try {
    error = component->start();
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "unknown exception";
  }
  if (!error.empty()) {
    log::error("component failed to start", {{"component", name}, {"cause", error}});
    return "failed to start " + name + ": " + error;
  }
  log::info("component started", {{"component", name}, {"duration_ms", elapsed_ms(started)}});
  started_.push_back(std::move(component));
  return "";
}

void ComponentStack::stop_all() {
  while (!started_.empty()) {
    std::unique_ptr<Component> component = std::move(started_.back());
    started_.pop_back();
    const std::string name(component->name());
    const auto started = std::chrono::steady_clock::now();
    log::info("component stopping", {{"component", name}});
    try {
      component->stop();
    } catch (const std::exception& e) {
      log::error("component failed to stop cleanly", {{"component", name}, {"cause", e.what()}});
    } catch (...) {
      log::error("component failed to stop cleanly", {{"component", name}, {"cause", "unknown exception"}});
    }
    log::info("component stopped", {{"component", name}, {"duration_ms", elapsed_ms(started)}});
  }
}

std::vector<std::string> ComponentStack::started_names() const {
  std::vector<std::string> names;
  for (const auto& c : started_) names.emplace_back(c->name());
  return names;
}

}  // namespace wabot::app
