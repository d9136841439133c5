// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers shared by the host's service implementations: the calling plugin from its wabot_host handle,
// the thread-local last error (host_api->last_error) and plugin error (host_api->set_error), and the
// guard that keeps exceptions from crossing back into plugin code.
#pragma once

#include "host/plugins/loaded_plugin.hpp"

#include <wabot/abi.h>
#include <wabot/status.hpp>

#include <exception>
#include <string>
#include <string_view>

namespace wabot::plugins::host_call {

// The message of the last failed service call on this thread.
std::string& last_error();
// What the plugin said (set_error) before its hook returned an error, on this thread.
std::string& plugin_error();
std::string take_plugin_error();

inline wabot_status fail(wabot_status rc, std::string message) {
  last_error() = std::move(message);
  return rc;
}
inline wabot_status fail(const Status& status) { return fail(status.code(), status.message()); }
inline wabot_status ok() {
  last_error().clear();
  return WABOT_OK;
}

// A host service entry point: any exception becomes INTERNAL with context, never unwinds into the plugin.
template <class Fn>
wabot_status guarded(std::string_view what, Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    try { return fail(WABOT_ERR_INTERNAL, std::string(what) + " failed: " + e.what()); } catch (...) {}
  } catch (...) {
    try { return fail(WABOT_ERR_INTERNAL, std::string(what) + " failed"); } catch (...) {}
  }
  return WABOT_ERR_INTERNAL;
}

// A call into plugin code: a plugin that throws anyway (C++ without the SDK wrappers) is caught here.
template <class Fn>
wabot_status call_plugin(Fn&& fn) noexcept {
  try {
    plugin_error().clear();
    return fn();
  } catch (const std::exception& e) {
    try { plugin_error() = std::string("threw: ") + e.what(); } catch (...) {}
  } catch (...) {
    try { plugin_error() = "threw a non-std exception"; } catch (...) {}
  }
  return WABOT_ERR_INTERNAL;
}

inline bool valid_handle(wabot_host* h) { return h && h->plugin && h->manager; }

// The first `n` bytes of a view, as a std::string; views from plugins are checked (ptr null with len).
inline bool valid_view(wabot_str_view v) { return v.len == 0 || v.ptr != nullptr; }

}  // namespace wabot::plugins::host_call
