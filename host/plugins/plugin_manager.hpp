// SPDX-License-Identifier: GPL-3.0-or-later
// PluginManager: loads the plugins the config lists (Boost.DLL + the ABI handshake), refuses bad ones
// with one log line while the host carries on, starts them in order, delivers events through their
// bounded serial queues, and stops them in reverse order. Libraries are never unloaded before exit.
#pragma once

#include "host/plugins/dispatch_pool.hpp"
#include "host/plugins/host_backends.hpp"
#include "host/plugins/loaded_plugin.hpp"
#include "host/plugins/plugin_event.hpp"
#include "host/plugins/plugin_spec.hpp"
#include "host/plugins/timer_queue.hpp"

#include <wabot/abi.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace wabot::plugins {

struct PluginRefusal {
  std::string name, path, reason;
};

struct PluginRuntimeInfo {
  std::string name, version;
  wabot_plugin_run_state state = WABOT_PLUGIN_STATE_UNSET;
  uint64_t delivered = 0, dropped = 0, errors = 0;
};

class PluginManager {
 public:
  PluginManager(PluginsConfig config, HostBackends backends);
  ~PluginManager();  // stops what still runs, destroys every plugin state
  PluginManager(const PluginManager&) = delete;
  PluginManager& operator=(const PluginManager&) = delete;

  // Main thread, once. Loads, checks and creates every enabled plugin; returns how many were loaded.
  std::size_t load_all();
  // Main thread. Starts the loaded plugins in load order; a failing start marks only that one FAILED.
  void start_all();
  // Main thread. Stops running plugins in reverse order: queue drained and timers cancelled first.
  void stop_all();

  // Any thread. Queues the event for every running plugin that takes it; full queues drop and count.
  // event.on_dispatched, when set, is called once every queue has run or dropped it (DispatchReport);
  // such an event published before start_all() has finished is held and published at its end.
  void publish(const PluginEvent& event);

  std::vector<PluginRuntimeInfo> plugins() const;  // in load order
  const std::vector<PluginRefusal>& refusals() const { return refusals_; }
  std::shared_ptr<LoadedPlugin> find(std::string_view name) const;
  // Waits until every plugin queue is empty and idle (tests, orderly shutdown). True when idle.
  bool wait_idle_ms(int64_t timeout_ms) const;

  // For the service implementations.
  const HostBackends& backends() const { return backends_; }
  TimerQueue& timers() { return *timers_; }
  int64_t uptime_ms() const;
  // Runs a task of `plugin` on its queue with the same guard as events (log scope, catch, count).
  void run_task(LoadedPlugin& plugin, wabot_task_fn task, void* user_data);
  // Logs a failed or throwing hook, counts it.
  void report_hook_failure(LoadedPlugin& plugin, std::string_view hook, wabot_status rc, std::string_view message);

 private:
  std::shared_ptr<LoadedPlugin> load_one(const PluginSpec& spec);
  void refuse(const PluginSpec& spec, const std::string& path, std::string reason);
  bool deliver(LoadedPlugin& plugin, const PluginEvent& event, bool as_message);  // false: the hook failed
  void destroy_all();

  PluginsConfig config_;
  HostBackends backends_;
  std::chrono::steady_clock::time_point started_at_;
  std::unique_ptr<DispatchPool> pool_;
  std::unique_ptr<TimerQueue> timers_;
  mutable std::mutex mutex_;  // guards plugins_ against publish/plugins() during load
  std::vector<std::shared_ptr<LoadedPlugin>> plugins_;
  std::vector<PluginRefusal> refusals_;
  // Events with on_dispatched published before start_all() finished (guarded by mutex_).
  static constexpr std::size_t kMaxHeldTracked = 10'000;
  bool started_ = false;
  std::vector<PluginEvent> held_tracked_;
};

}  // namespace wabot::plugins
