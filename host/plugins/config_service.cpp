// SPDX-License-Identifier: GPL-3.0-or-later
// The "config" service: typed reads of the plugin's validated keys and of the host's shared keys.
#include "host/plugins/host_call.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/plugins/services.hpp"

#include <wabot/config_value.hpp>

namespace wabot::plugins {

namespace {

// The text of a declared key of `type`; views point into the plugin's PluginConfig, which lives as
// long as the plugin, as abi.h promises.
wabot_status text_of(wabot_host* host, wabot_str_view key, wabot_config_type type, const std::string*& out) {
  if (!host_call::valid_handle(host) || !host_call::valid_view(key))
    return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid host handle or key");
  const std::string name = to_string(key);
  const PluginConfig::Value* v = host->plugin->config().find(name);
  if (!v) return host_call::fail(WABOT_ERR_CONFIG, "config key " + name + " is not declared by plugin " + host->plugin->name());
  if (v->type != type)
    return host_call::fail(WABOT_ERR_CONFIG, "config key " + name + " is declared as " +
                                                 std::string(config_value::type_name(v->type)) + ", not " +
                                                 std::string(config_value::type_name(type)));
  if (!v->text) return host_call::fail(WABOT_ERR_NOT_FOUND, "config key " + name + " has no value and no default");
  out = &*v->text;
  return WABOT_OK;
}

template <class T, class Parse>
wabot_status typed(wabot_host* host, wabot_str_view key, wabot_config_type type, T* out, Parse parse) {
  return host_call::guarded("config.get", [&] {
    if (!out) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "no output pointer");
    const std::string* text = nullptr;
    wabot_status rc = text_of(host, key, type, text);
    if (rc != WABOT_OK) return rc;
    auto v = parse(*text);
    if (!v) return host_call::fail(WABOT_ERR_CONFIG, "config key " + to_string(key) + " holds an invalid value");
    *out = static_cast<T>(*v);
    return host_call::ok();
  });
}

wabot_status get_string(wabot_host* host, wabot_str_view key, wabot_str_view* out) {
  return host_call::guarded("config.get_string", [&] {
    if (!out) return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "no output pointer");
    const std::string* text = nullptr;
    wabot_status rc = text_of(host, key, WABOT_CONFIG_STRING, text);
    if (rc != WABOT_OK) return rc;
    *out = to_view(*text);
    return host_call::ok();
  });
}
wabot_status get_int(wabot_host* h, wabot_str_view k, int64_t* out) {
  return typed(h, k, WABOT_CONFIG_INT, out, config_value::parse_int);
}
wabot_status get_bool(wabot_host* h, wabot_str_view k, int32_t* out) {
  return typed(h, k, WABOT_CONFIG_BOOL, out, config_value::parse_bool);
}
wabot_status get_double(wabot_host* h, wabot_str_view k, double* out) {
  return typed(h, k, WABOT_CONFIG_DOUBLE, out, config_value::parse_double);
}
wabot_status get_duration_ms(wabot_host* h, wabot_str_view k, int64_t* out) {
  return typed(h, k, WABOT_CONFIG_DURATION, out, config_value::parse_duration_ms);
}

wabot_status get_shared(wabot_host* host, wabot_str_view key, wabot_str_view* out) {
  return host_call::guarded("config.get_shared", [&] {
    if (!host_call::valid_handle(host) || !host_call::valid_view(key) || !out)
      return host_call::fail(WABOT_ERR_INVALID_ARGUMENT, "invalid host handle, key or output");
    const auto& shared = host->manager->backends().shared_config;  // immutable after construction
    auto it = shared.find(from_view(key));
    if (it == shared.end()) return host_call::fail(WABOT_ERR_NOT_FOUND, "no shared config key " + to_string(key));
    *out = to_view(it->second);
    return host_call::ok();
  });
}

constexpr wabot_config_service_v1 table{sizeof(wabot_config_service_v1), &get_string, &get_int, &get_bool,
                                        &get_double, &get_duration_ms, &get_shared};

}  // namespace

const wabot_config_service_v1* config_service() { return &table; }

}  // namespace wabot::plugins
