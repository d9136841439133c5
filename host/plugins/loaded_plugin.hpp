// SPDX-License-Identifier: GPL-3.0-or-later
// LoadedPlugin: everything the host keeps about one plugin that passed the checks: its descriptor,
// state, config, serial queue, subscription, run state and counters. Shared (route handlers and timers
// hold it) so nothing dangles however the shutdown interleaves.
#pragma once

#include "host/plugins/plugin_config.hpp"
#include "host/plugins/serial_queue.hpp"

#include <wabot/abi.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <memory>
#include <string>

namespace wabot::plugins {
class LoadedPlugin;
class PluginManager;
}  // namespace wabot::plugins

// The opaque handle of abi.h, as the host defines it: which plugin a service call comes from.
struct wabot_host {
  wabot::plugins::LoadedPlugin* plugin;
  wabot::plugins::PluginManager* manager;
};

namespace wabot::plugins {

class LoadedPlugin : public std::enable_shared_from_this<LoadedPlugin> {
 public:
  LoadedPlugin(std::string name, std::string version, std::string path, const wabot_plugin_descriptor* descriptor,
               PluginConfig config, std::shared_ptr<SerialQueue> queue, PluginManager* manager)
      : name_(std::move(name)), version_(std::move(version)), path_(std::move(path)), descriptor_(descriptor),
        config_(std::move(config)), queue_(std::move(queue)), handle_{this, manager} {}
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::string& path() const { return path_; }
  const wabot_plugin_descriptor& descriptor() const { return *descriptor_; }
  const PluginConfig& config() const { return config_; }
  SerialQueue& queue() const { return *queue_; }
  wabot_host* handle() { return &handle_; }

  // Optional hooks, read only when the plugin's descriptor is large enough to have them.
  wabot_status (*on_message_hook() const)(wabot_plugin_state*, const wabot_event*) {
    return WABOT_HAS_FIELD(wabot_plugin_descriptor, descriptor_, on_message) ? descriptor_->on_message : nullptr;
  }
  wabot_status (*on_event_hook() const)(wabot_plugin_state*, const wabot_event*) {
    return WABOT_HAS_FIELD(wabot_plugin_descriptor, descriptor_, on_event) ? descriptor_->on_event : nullptr;
  }

  wabot_plugin_state* state() const { return state_; }
  void set_state(wabot_plugin_state* state) { state_ = state; }

  wabot_plugin_run_state run_state() const { return run_state_.load(); }
  void set_run_state(wabot_plugin_run_state s) { run_state_.store(s); }
  bool is_running() const { return run_state_.load() == WABOT_PLUGIN_STATE_RUNNING; }

  uint32_t subscription_mask() const { return subscription_mask_.load(); }
  void set_subscription_mask(uint32_t mask) { subscription_mask_.store(mask); }

  void count_error() { errors_.fetch_add(1); }
  uint64_t errors() const { return errors_.load(); }
  void count_delivered() { delivered_.fetch_add(1); }
  uint64_t delivered() const { return delivered_.load(); }
  uint64_t dropped() const { return queue_->dropped(); }

  bool is_destroyed() const { return destroyed_; }
  void mark_destroyed() { destroyed_ = true; }

  // HTTP handlers in flight: stop waits for them, so no handler runs during or after stop.
  void enter_call() {
    std::lock_guard<std::mutex> lock(calls_mutex_);
    ++calls_;
  }
  void leave_call() {
    std::lock_guard<std::mutex> lock(calls_mutex_);
    if (--calls_ == 0) calls_cv_.notify_all();
  }
  // True when no call is in flight within timeout_ms.
  bool wait_no_calls_ms(int64_t timeout_ms) {
    std::unique_lock<std::mutex> lock(calls_mutex_);
    return calls_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return calls_ == 0; });
  }

 private:
  const std::string name_, version_, path_;
  const wabot_plugin_descriptor* descriptor_;
  const PluginConfig config_;
  std::shared_ptr<SerialQueue> queue_;
  wabot_host handle_;
  wabot_plugin_state* state_ = nullptr;
  std::atomic<wabot_plugin_run_state> run_state_{WABOT_PLUGIN_STATE_UNSET};
  std::atomic<uint32_t> subscription_mask_{0};
  std::atomic<uint64_t> errors_{0};
  std::atomic<uint64_t> delivered_{0};
  bool destroyed_ = false;  // main thread only
  std::mutex calls_mutex_;
  std::condition_variable calls_cv_;
  int64_t calls_ = 0;
};

}  // namespace wabot::plugins
