// SPDX-License-Identifier: MIT
// Plugin: the C++ base class and WABOT_PLUGIN(Type, "name", "1.2.3"), which exports the one entry
// point and fills the descriptor with noexcept trampolines (exceptions become error returns).
//
// A plugin class derives from wabot::Plugin, has a constructor taking wabot::Host&, and may define
// any of (detected at compile time; only the ones present are wired):
//   static constexpr wabot_config_key config_keys[] = {wabot::config_key(...), ...};
//   wabot::Status init();                            // right after construction (create)
//   wabot::Status start();   wabot::Status stop();   // or returning void
//   wabot::Status on_message(const wabot::Event&);   // inbound messages
//   wabot::Status on_event(const wabot::Event&);     // kinds chosen with events().subscribe
#pragma once

#include <wabot/abi.h>
#include <wabot/config.hpp>
#include <wabot/events.hpp>
#include <wabot/health.hpp>
#include <wabot/host.hpp>
#include <wabot/http.hpp>
#include <wabot/log.hpp>
#include <wabot/messaging.hpp>
#include <wabot/scheduler.hpp>
#include <wabot/sessions.hpp>
#include <wabot/status.hpp>
#include <wabot/store.hpp>

#include <exception>
#include <optional>
#include <string>
#include <type_traits>

namespace wabot {

class Plugin {
 public:
  explicit Plugin(Host& host) noexcept : host_(&host) {}
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  Host& host() const noexcept { return *host_; }
  Log log() const noexcept { return Log(*host_); }
  Config config() const noexcept { return Config(*host_); }
  Http http() const noexcept { return Http(*host_); }
  Events events() const noexcept { return Events(*host_); }
  Sessions sessions() const noexcept { return Sessions(*host_); }
  Messaging messaging() const noexcept { return Messaging(*host_); }
  Scheduler scheduler() const noexcept { return Scheduler(*host_); }
  Health health() const noexcept { return Health(*host_); }
  Store store() const noexcept { return Store(*host_); }

 private:
  Host* host_;
};

namespace detail {

// What the plugin state pointer really is: the Host wrapper outlives the plugin object (declared
// first, destroyed last), so closures it keeps stay valid through the plugin's destructor.
template <class T>
struct Instance {
  Instance(const wabot_host_api* api, wabot_host* raw) : host(api, raw) {}
  Host host;
  std::optional<T> plugin;
};

template <class T>
Instance<T>* instance(wabot_plugin_state* state) noexcept {
  return reinterpret_cast<Instance<T>*>(state);
}

// Calls a hook returning Status or void; exceptions and errors become a status code plus set_error.
template <class Fn>
wabot_status guarded(const Host& host, const char* what, Fn&& fn) noexcept {
  try {
    if constexpr (std::is_void_v<decltype(fn())>) {
      fn();
      return WABOT_OK;
    } else {
      Status s = fn();
      if (s.is_ok()) return WABOT_OK;
      host.set_error(s.message());
      return s.code() == WABOT_OK || s.code() == WABOT_STATUS_UNSET ? WABOT_ERR_INTERNAL : s.code();
    }
  } catch (const std::exception& e) {
    host.set_error(std::string(what) + " threw: " + e.what());
  } catch (...) {
    host.set_error(std::string(what) + " threw a non-std exception");
  }
  return WABOT_ERR_INTERNAL;
}

template <class T>
wabot_status create(const wabot_host_api* api, wabot_host* raw, wabot_plugin_state** out_state) noexcept {
  if (!api || !out_state) return WABOT_ERR_INVALID_ARGUMENT;
  Instance<T>* inst = nullptr;
  try {
    inst = new Instance<T>(api, raw);
  } catch (...) {
    if (api->set_error) api->set_error(raw, to_view("out of memory creating the plugin"));
    return WABOT_ERR_INTERNAL;
  }
  wabot_status rc = guarded(inst->host, "constructor", [&] { inst->plugin.emplace(inst->host); });
  if (rc == WABOT_OK) {
    if constexpr (requires(T& t) { t.init(); })
      rc = guarded(inst->host, "init", [&] { return inst->plugin->init(); });
  }
  if (rc != WABOT_OK) {
    try { delete inst; } catch (...) {}
    return rc;
  }
  *out_state = reinterpret_cast<wabot_plugin_state*>(inst);
  return WABOT_OK;
}

template <class T>
wabot_status start(wabot_plugin_state* state) noexcept {
  auto* inst = instance<T>(state);
  if constexpr (requires(T& t) { t.start(); })
    return guarded(inst->host, "start", [&] { return inst->plugin->start(); });
  else
    return WABOT_OK;
}

template <class T>
wabot_status stop(wabot_plugin_state* state) noexcept {
  auto* inst = instance<T>(state);
  if constexpr (requires(T& t) { t.stop(); })
    return guarded(inst->host, "stop", [&] { return inst->plugin->stop(); });
  else
    return WABOT_OK;
}

template <class T>
void destroy(wabot_plugin_state* state) noexcept {
  auto* inst = instance<T>(state);
  try {
    delete inst;
  } catch (...) {
    // A throwing destructor must not cross into the host; nothing else can be done here.
  }
}

template <class T>
wabot_status on_message(wabot_plugin_state* state, const wabot_event* event) noexcept {
  auto* inst = instance<T>(state);
  return guarded(inst->host, "on_message", [&] { return inst->plugin->on_message(Event(*event)); });
}

template <class T>
wabot_status on_event(wabot_plugin_state* state, const wabot_event* event) noexcept {
  auto* inst = instance<T>(state);
  return guarded(inst->host, "on_event", [&] { return inst->plugin->on_event(Event(*event)); });
}

template <class T>
const wabot_plugin_descriptor* descriptor(const char* name, const char* version) noexcept {
  static const wabot_plugin_descriptor d = [&] {
    wabot_plugin_descriptor out{};
    out.struct_size = sizeof(wabot_plugin_descriptor);
    out.abi_major = WABOT_ABI_VERSION_MAJOR;
    out.abi_minor = WABOT_ABI_VERSION_MINOR;
    out.name = name;
    out.version = version;
    if constexpr (requires { T::config_keys; }) {
      out.config_keys = T::config_keys;
      out.config_key_count = sizeof(T::config_keys) / sizeof(T::config_keys[0]);
    }
    out.create = &create<T>;
    out.start = &start<T>;
    out.stop = &stop<T>;
    out.destroy = &destroy<T>;
    if constexpr (requires(T& t, const Event& e) { t.on_message(e); }) out.on_message = &on_message<T>;
    if constexpr (requires(T& t, const Event& e) { t.on_event(e); }) out.on_event = &on_event<T>;
    return out;
  }();
  return &d;
}

}  // namespace detail
}  // namespace wabot

// Exports the plugin's entry point. Use once per plugin, at namespace scope, in one source file.
#define WABOT_PLUGIN(Type, name, version)                                                     \
  static_assert(std::is_base_of_v<::wabot::Plugin, Type>, #Type " must derive from wabot::Plugin"); \
  extern "C" WABOT_EXPORT const wabot_plugin_descriptor* wabot_plugin_v1(void) {              \
    return ::wabot::detail::descriptor<Type>(name, version);                                  \
  }
