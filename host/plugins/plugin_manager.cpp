// SPDX-License-Identifier: GPL-3.0-or-later
// PluginManager: loading and the ABI handshake, start/stop order, event fan-out to plugin queues.
#include "host/plugins/plugin_manager.hpp"

#include "host/plugins/dispatch_tracker.hpp"

#include "host/common/log.hpp"
#include "host/plugins/descriptor_check.hpp"
#include "host/plugins/host_call.hpp"
#include "host/plugins/services.hpp"

#include <wabot/status.hpp>

#include <boost/dll/shared_library.hpp>
#include <boost/filesystem/operations.hpp>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <system_error>

namespace wabot::plugins {

namespace {

// Libraries are never unloaded: route handlers, timers and function pointers into them may be reached
// until the process exits, so their handles are kept here on purpose and never destroyed.
void keep_loaded_until_exit(boost::dll::shared_library library) {
  static std::mutex mutex;
  static auto* libraries = new std::vector<boost::dll::shared_library>();
  std::lock_guard<std::mutex> lock(mutex);
  libraries->push_back(std::move(library));
}

// Plugin names become file names: letters, digits, '_' and '-', at most 64.
bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// A NUL-terminated string of at most `max` bytes from a plugin, without reading past it.
bool bounded_c_string(const char* s, std::size_t max, std::string& out) {
  if (!s) return false;
  for (std::size_t i = 0; i <= max; ++i) {
    if (s[i] == '\0') {
      out.assign(s, i);
      return true;
    }
  }
  return false;
}

}  // namespace

PluginManager::PluginManager(PluginsConfig config, HostBackends backends)
    : config_(std::move(config)),
      backends_(std::move(backends)),
      started_at_(std::chrono::steady_clock::now()),
      pool_(std::make_unique<DispatchPool>(config_.dispatch_threads)) {
  timers_ = std::make_unique<TimerQueue>([this](const std::shared_ptr<LoadedPlugin>& plugin, wabot_task_fn task, void* ud) {
    if (!plugin->is_running()) return;
    auto result = plugin->queue().post([this, plugin, task, ud] { run_task(*plugin, task, ud); });
    if (result == SerialQueue::PostResult::full) {
      uint64_t dropped = plugin->dropped();
      if (dropped == 1 || dropped % 1000 == 0) {
        log::Scope scope({}, {}, plugin->name());
        log::warn("plugin queue full, timer tick dropped", {{"dropped", std::to_string(dropped)}});
      }
    }
  });
}

PluginManager::~PluginManager() {
  stop_all();
  destroy_all();
  timers_.reset();  // joins the timer thread and releases its references to plugins
  pool_.reset();    // every queue is drained by stop_all
}

int64_t PluginManager::uptime_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_at_).count();
}

void PluginManager::refuse(const PluginSpec& spec, const std::string& path, std::string reason) {
  // The one line that explains a refusal; the host carries on without this plugin.
  log::Scope scope({}, {}, spec.name);
  log::error("plugin refused", {{"path", path}, {"reason", reason}});
  refusals_.push_back({spec.name, path, std::move(reason)});
}

std::size_t PluginManager::load_all() {
  std::size_t loaded = 0;
  for (const PluginSpec& spec : config_.plugins) {
    if (!spec.enabled) {
      log::Scope scope({}, {}, spec.name);
      log::info("plugin disabled in config");
      continue;
    }
    if (auto plugin = load_one(spec)) {
      std::lock_guard<std::mutex> lock(mutex_);
      plugins_.push_back(std::move(plugin));
      ++loaded;
    }
  }
  return loaded;
}

std::shared_ptr<LoadedPlugin> PluginManager::load_one(const PluginSpec& spec) {
  if (!valid_name(spec.name)) {
    refuse(spec, spec.path, "invalid plugin name (letters, digits, '_' and '-', at most 64)");
    return nullptr;
  }
  const std::string path = spec.path.empty() ? (std::filesystem::path(config_.directory) / (spec.name + ".so")).string() : spec.path;
  if (find(spec.name)) {
    refuse(spec, path, "a plugin named " + spec.name + " is already loaded");
    return nullptr;
  }
  std::error_code fs_error;
  if (!std::filesystem::is_regular_file(path, fs_error)) {
    refuse(spec, path, "plugin file not found");
    return nullptr;
  }

  boost::dll::shared_library library;
  try {
    // rtld_now: an unresolved symbol is an error now, not a crash at first call.
    library.load(boost::dll::fs::path(path), boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    refuse(spec, path, std::string("cannot open the library: ") + e.what());
    return nullptr;
  }
  if (!library.has(WABOT_PLUGIN_ENTRY_SYMBOL)) {
    refuse(spec, path, std::string("entry point ") + WABOT_PLUGIN_ENTRY_SYMBOL + " is missing");
    return nullptr;
  }
  auto entry = library.get<const wabot_plugin_descriptor*()>(WABOT_PLUGIN_ENTRY_SYMBOL);
  keep_loaded_until_exit(library);  // from here on plugin code has run and may be referenced

  const wabot_plugin_descriptor* descriptor = nullptr;
  try {
    descriptor = entry();
  } catch (...) {
    refuse(spec, path, "entry point threw");
    return nullptr;
  }
  if (std::string reason = check_descriptor(descriptor); !reason.empty()) {
    refuse(spec, path, reason);
    return nullptr;
  }
  std::string name, version;
  if (!bounded_c_string(descriptor->name, 64, name) || !valid_name(name)) {
    refuse(spec, path, "descriptor has no valid name");
    return nullptr;
  }
  if (name != spec.name) {
    refuse(spec, path, "descriptor names the plugin '" + name + "', the config lists '" + spec.name + "'");
    return nullptr;
  }
  if (!bounded_c_string(descriptor->version, 64, version) || version.empty()) {
    refuse(spec, path, "descriptor has no valid version");
    return nullptr;
  }
  auto config = PluginConfig::validate(spec.config, descriptor->config_keys, descriptor->config_key_count);
  if (!config) {
    refuse(spec, path, config.status().message());
    return nullptr;
  }

  auto queue = std::make_shared<SerialQueue>(*pool_, config_.queue_capacity);
  auto plugin = std::make_shared<LoadedPlugin>(name, version, path, descriptor, std::move(config.value()), queue, this);
  wabot_plugin_state* state = nullptr;
  wabot_status rc;
  {
    log::Scope scope({}, {}, name);
    rc = host_call::call_plugin([&] { return descriptor->create(host_api(), plugin->handle(), &state); });
  }
  if (rc != WABOT_OK) {
    std::string why = host_call::take_plugin_error();
    timers_->cancel_all(plugin.get());
    plugin->set_run_state(WABOT_PLUGIN_STATE_FAILED);  // routes it may have added answer 503
    refuse(spec, path, "create failed (" + std::string(status_name(rc)) + ")" + (why.empty() ? "" : ": " + why));
    return nullptr;
  }
  plugin->set_state(state);
  plugin->set_run_state(WABOT_PLUGIN_STATE_LOADED);
  log::Scope scope({}, {}, name);
  log::info("plugin loaded", {{"version", version}, {"path", path}});
  return plugin;
}

void PluginManager::start_all() {
  std::vector<std::shared_ptr<LoadedPlugin>> plugins;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    plugins = plugins_;
  }
  for (const auto& plugin : plugins) {
    if (plugin->run_state() != WABOT_PLUGIN_STATE_LOADED) continue;
    log::Scope scope({}, {}, plugin->name());
    wabot_status rc = host_call::call_plugin([&] { return plugin->descriptor().start(plugin->state()); });
    if (rc != WABOT_OK) {
      plugin->set_run_state(WABOT_PLUGIN_STATE_FAILED);
      timers_->cancel_all(plugin.get());
      report_hook_failure(*plugin, "start", rc, host_call::take_plugin_error());
      continue;
    }
    plugin->set_run_state(WABOT_PLUGIN_STATE_RUNNING);
    log::info("plugin started", {{"version", plugin->version()}});  // "plugin" comes from the scope
  }
  // Tracked events that came while the plugins were loading or starting go out now, in order.
  std::vector<PluginEvent> held;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    started_ = true;
    held.swap(held_tracked_);
  }
  for (const auto& event : held) publish(event);
}

void PluginManager::stop_all() {
  std::vector<std::shared_ptr<LoadedPlugin>> plugins;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    plugins = plugins_;
  }
  for (auto it = plugins.rbegin(); it != plugins.rend(); ++it) {
    LoadedPlugin& plugin = **it;
    const bool was_running = plugin.run_state() == WABOT_PLUGIN_STATE_RUNNING;
    if (plugin.run_state() == WABOT_PLUGIN_STATE_STOPPED || plugin.is_destroyed()) continue;
    log::Scope scope({}, {}, plugin.name());
    if (was_running) plugin.set_run_state(WABOT_PLUGIN_STATE_STOPPED);  // new events and requests are refused
    timers_->cancel_all(&plugin);
    plugin.queue().close_and_drain();
    while (!plugin.wait_no_calls_ms(5000))
      log::warn("waiting for the plugin's HTTP handlers to return before stopping it");
    if (!was_running) continue;  // LOADED or FAILED: start never succeeded, so stop is not called
    wabot_status rc = host_call::call_plugin([&] { return plugin.descriptor().stop(plugin.state()); });
    if (rc != WABOT_OK) report_hook_failure(plugin, "stop", rc, host_call::take_plugin_error());
    log::info("plugin stopped");  // "plugin" comes from the scope
  }
}

void PluginManager::destroy_all() {
  std::vector<std::shared_ptr<LoadedPlugin>> plugins;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    plugins = plugins_;
  }
  for (auto it = plugins.rbegin(); it != plugins.rend(); ++it) {
    LoadedPlugin& plugin = **it;
    if (plugin.is_destroyed()) continue;
    log::Scope scope({}, {}, plugin.name());
    host_call::call_plugin([&] {
      plugin.descriptor().destroy(plugin.state());
      return WABOT_OK;
    });
    plugin.mark_destroyed();
    plugin.set_state(nullptr);
  }
}

void PluginManager::publish(const PluginEvent& event) {
  std::vector<std::shared_ptr<LoadedPlugin>> plugins;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // A tracked event (the durable inbound path) before start_all finished would be reported done
    // by the plugins that are not running yet: it waits (bounded) and goes out after start_all.
    if (!started_ && event.on_dispatched) {
      if (held_tracked_.size() < kMaxHeldTracked) {
        held_tracked_.push_back(event);
      } else {
        log::warn("plugins not started and too many events held: event left undispatched",
                  {{"agent", event.agent_id}});
      }
      return;
    }
    plugins = plugins_;
  }
  if (event.kind < WABOT_EVENT_MESSAGE_RECEIVED || event.kind > WABOT_EVENT_HTTP_REQUEST) {
    log::error("unknown event kind not published", {{"kind", std::to_string(event.kind)}});
    return;
  }
  // The completion (durable inbound path) is tracked apart from the shared copy, which is kept by
  // every queue's task and must not keep the callback alive past its call.
  std::shared_ptr<DispatchTracker> tracker;
  if (event.on_dispatched) tracker = std::make_shared<DispatchTracker>(event.on_dispatched);
  std::shared_ptr<const PluginEvent> shared;  // one copy shared by every queue, made only when needed
  for (const auto& plugin : plugins) {
    if (!plugin->is_running()) continue;
    const bool as_message = event.kind == WABOT_EVENT_MESSAGE_RECEIVED && plugin->on_message_hook() != nullptr;
    const bool as_event = plugin->on_event_hook() != nullptr &&
                          (plugin->subscription_mask() & WABOT_EVENT_BIT(static_cast<uint32_t>(event.kind))) != 0;
    if (!as_message && !as_event) continue;
    if (!shared) {
      auto copy = std::make_shared<PluginEvent>(event);
      copy->on_dispatched = nullptr;
      shared = std::move(copy);
    }
    if (tracker) tracker->expect();
    auto result = plugin->queue().post([this, plugin, shared, as_message, as_event, tracker] {
      if (!plugin->is_running()) {
        if (tracker) tracker->finish(plugin->name(), DispatchTracker::Outcome::stopped);
        return;
      }
      bool ok = true;
      if (as_message) ok = deliver(*plugin, *shared, true) && ok;
      if (as_event) ok = deliver(*plugin, *shared, false) && ok;
      plugin->count_delivered();
      if (tracker) tracker->finish(plugin->name(), ok ? DispatchTracker::Outcome::handled : DispatchTracker::Outcome::failed);
    });
    if (result != SerialQueue::PostResult::queued && tracker)
      tracker->finish(plugin->name(), result == SerialQueue::PostResult::full ? DispatchTracker::Outcome::dropped
                                                                              : DispatchTracker::Outcome::stopped);
    if (result == SerialQueue::PostResult::full) {
      uint64_t dropped = plugin->dropped();
      // Counted always; logged on the first drop and every 1000th so a stuck plugin cannot flood the log.
      if (dropped == 1 || dropped % 1000 == 0) {
        log::Scope scope({}, {}, plugin->name());
        log::warn("plugin queue full, event dropped",
                  {{"dropped", std::to_string(dropped)}, {"capacity", std::to_string(plugin->queue().capacity())}});
      }
    }
  }
  if (tracker) tracker->seal();
}

bool PluginManager::deliver(LoadedPlugin& plugin, const PluginEvent& event, bool as_message) {
  log::Scope scope(event.trace_id, event.agent_id, plugin.name());
  EventView view(event);
  auto hook = as_message ? plugin.on_message_hook() : plugin.on_event_hook();
  wabot_status rc = host_call::call_plugin([&] { return hook(plugin.state(), view.get()); });
  if (rc != WABOT_OK) report_hook_failure(plugin, as_message ? "on_message" : "on_event", rc, host_call::take_plugin_error());
  return rc == WABOT_OK;
}

void PluginManager::run_task(LoadedPlugin& plugin, wabot_task_fn task, void* user_data) {
  if (!plugin.is_running()) return;
  log::Scope scope({}, {}, plugin.name());
  wabot_status rc = host_call::call_plugin([&] {
    task(user_data);
    return WABOT_OK;
  });
  std::string why = host_call::take_plugin_error();
  // A task has no return value: a throw, or a set_error during it, is its failure.
  if (rc != WABOT_OK || !why.empty()) report_hook_failure(plugin, "task", rc == WABOT_OK ? WABOT_ERR_INTERNAL : rc, why);
}

void PluginManager::report_hook_failure(LoadedPlugin& plugin, std::string_view hook, wabot_status rc, std::string_view message) {
  plugin.count_error();
  // The scope names the plugin (and keeps the trace/agent ids of the event or request if set).
  log::Scope scope({}, {}, plugin.name());
  log::error("plugin hook failed", {{"hook", hook}, {"code", status_name(rc)}, {"error", message},
                                    {"errors", std::to_string(plugin.errors())}});
}

std::vector<PluginRuntimeInfo> PluginManager::plugins() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<PluginRuntimeInfo> out;
  for (const auto& p : plugins_)
    out.push_back({p->name(), p->version(), p->run_state(), p->delivered(), p->dropped(), p->errors()});
  return out;
}

std::shared_ptr<LoadedPlugin> PluginManager::find(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& p : plugins_)
    if (p->name() == name) return p;
  return nullptr;
}

bool PluginManager::wait_idle_ms(int64_t timeout_ms) const {
  std::vector<std::shared_ptr<LoadedPlugin>> plugins;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    plugins = plugins_;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (const auto& p : plugins) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (!p->queue().wait_idle_ms(left > 0 ? left : 0)) return false;
  }
  return true;
}

}  // namespace wabot::plugins
