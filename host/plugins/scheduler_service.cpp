// SPDX-License-Identifier: GPL-3.0-or-later
// The "scheduler" service: timers on the host's TimerQueue and posted work, both run on the plugin's
// serial queue.
#include "host/plugins/host_call.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/plugins/services.hpp"

namespace wabot::plugins {

namespace {

constexpr int64_t max_delay_ms = int64_t(366) * 24 * 3600 * 1000;  // keeps time_point arithmetic far from overflow

wabot_status schedule(wabot_host* host, int64_t delay_ms, int64_t interval_ms, wabot_task_fn task, void* user_data,
                      wabot_timer_id* out_id) {
  return host_call::guarded("scheduler.schedule", [&] {
    if (!host_call::valid_handle(host) || !task) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "no task");
    if (delay_ms < 0 || interval_ms < 0 || delay_ms > max_delay_ms || interval_ms > max_delay_ms)
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "timer delay and interval must be 0..366 days");
    LoadedPlugin& plugin = *host->plugin;
    if (plugin.run_state() == WABOT_PLUGIN_STATE_STOPPED || plugin.run_state() == WABOT_PLUGIN_STATE_FAILED)
      return host_call::fail(WABOT_ERR_NOT_READY, "plugin " + plugin.name() + " is not running");
    wabot_timer_id id = host->manager->timers().add(plugin.shared_from_this(), delay_ms, interval_ms, task, user_data);
    if (id == 0) return host_call::fail(WABOT_ERR_TOO_LARGE, "plugin " + plugin.name() + " has too many timers");
    if (out_id) *out_id = id;
    return host_call::ok();
  });
}

wabot_status cancel(wabot_host* host, wabot_timer_id id) {
  return host_call::guarded("scheduler.cancel", [&] {
    if (!host_call::valid_handle(host)) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid host handle");
    if (!host->manager->timers().cancel(host->plugin, id))
      return host_call::fail(WABOT_ERR_NOT_FOUND, "no timer " + std::to_string(id) + " of plugin " + host->plugin->name());
    return host_call::ok();
  });
}

wabot_status post(wabot_host* host, wabot_task_fn task, void* user_data) {
  return host_call::guarded("scheduler.post", [&] {
    if (!host_call::valid_handle(host) || !task) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "no task");
    std::shared_ptr<LoadedPlugin> plugin = host->plugin->shared_from_this();
    PluginManager* manager = host->manager;
    switch (plugin->queue().post([manager, plugin, task, user_data] { manager->run_task(*plugin, task, user_data); })) {
      case SerialQueue::PostResult::queued: return host_call::ok();
      case SerialQueue::PostResult::full:
        return host_call::fail(WABOT_ERR_RETRY, "the queue of plugin " + plugin->name() + " is full");
      default: return host_call::fail(WABOT_ERR_NOT_READY, "plugin " + plugin->name() + " is stopping");
    }
  });
}

constexpr wabot_scheduler_service_v1 table{sizeof(wabot_scheduler_service_v1), &schedule, &cancel, &post};

}  // namespace

const wabot_scheduler_service_v1* scheduler_service() { return &table; }

}  // namespace wabot::plugins
