// SPDX-License-Identifier: MIT
// Config: typed access to the plugin's declared keys and the host's shared keys ("config" service),
// and `config_key()` to build the declaration table.
#pragma once

#include <wabot/config_value.hpp>
#include <wabot/host.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace wabot {

// One row of a plugin's declared key table: `static constexpr wabot_config_key config_keys[] = {...}`.
constexpr wabot_config_key config_key(const char* name, wabot_config_type type, const char* default_value,
                                      const char* description) noexcept {
  return wabot_config_key{sizeof(wabot_config_key), name, type, default_value, description};
}

class Config {
 public:
  explicit Config(const Host& host) noexcept : host_(&host), table_(host.service<wabot_config_service_v1>("config", 1)) {}

  // Views stay valid until the plugin is destroyed (the host's config is immutable meanwhile).
  Result<std::string_view> get_string(std::string_view key) const {
    if (!table_) return detail::missing_service("config");
    wabot_str_view out{};
    wabot_status rc = table_->get_string(host_->raw(), to_view(key), &out);
    if (rc != WABOT_OK) return fail(rc, key);
    return from_view(out);
  }
  Result<int64_t> get_int(std::string_view key) const {
    if (!table_) return detail::missing_service("config");
    int64_t out = 0;
    wabot_status rc = table_->get_int(host_->raw(), to_view(key), &out);
    if (rc != WABOT_OK) return fail(rc, key);
    return out;
  }
  Result<bool> get_bool(std::string_view key) const {
    if (!table_) return detail::missing_service("config");
    int32_t out = 0;
    wabot_status rc = table_->get_bool(host_->raw(), to_view(key), &out);
    if (rc != WABOT_OK) return fail(rc, key);
    return out != 0;
  }
  Result<double> get_double(std::string_view key) const {
    if (!table_) return detail::missing_service("config");
    double out = 0;
    wabot_status rc = table_->get_double(host_->raw(), to_view(key), &out);
    if (rc != WABOT_OK) return fail(rc, key);
    return out;
  }
  Result<int64_t> get_duration_ms(std::string_view key) const {
    if (!table_) return detail::missing_service("config");
    int64_t out = 0;
    wabot_status rc = table_->get_duration_ms(host_->raw(), to_view(key), &out);
    if (rc != WABOT_OK) return fail(rc, key);
    return out;
  }
  // Shared host keys ("media.temp_dir", "ai.timeout", ...), as text.
  Result<std::string_view> shared(std::string_view key) const {
    if (!table_) return detail::missing_service("config");
    wabot_str_view out{};
    wabot_status rc = table_->get_shared(host_->raw(), to_view(key), &out);
    if (rc != WABOT_OK) return fail(rc, key);
    return from_view(out);
  }
  Result<int64_t> shared_duration_ms(std::string_view key) const {
    auto text = shared(key);
    if (!text) return text.status();
    auto ms = config_value::parse_duration_ms(text.value());
    if (!ms) return Status::error(WABOT_ERR_CONFIG, std::string("shared key ").append(key).append(" is not a duration"));
    return *ms;
  }

 private:
  Status fail(wabot_status rc, std::string_view key) const {
    return host_->failure(rc, std::string("failed to read config key ").append(key));
  }
  const Host* host_;
  const wabot_config_service_v1* table_;
};

}  // namespace wabot
