// SPDX-License-Identifier: MIT
// Host: the plugin-side handle on the host (its API table and per-plugin context), compiled into the
// plugin. Fetches service tables and keeps the closures that C callbacks point at alive until destroy.
#pragma once

#include <wabot/abi.h>
#include <wabot/status.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wabot {

class Host {
 public:
  Host(const wabot_host_api* api, wabot_host* host) noexcept : api_(api), host_(host) {}
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  const wabot_host_api* api() const noexcept { return api_; }
  wabot_host* raw() const noexcept { return host_; }

  // The service table `name` v`major`, or nullptr when the host lacks it or its table is smaller than
  // the v1.0 layout this plugin was compiled against (then no field of it can be trusted).
  template <class Table>
  const Table* service(std::string_view name, uint32_t major) const noexcept {
    if (!api_ || !api_->get_service) return nullptr;
    auto* table = static_cast<const Table*>(api_->get_service(host_, to_view(name), major));
    // The host refuses plugins built against a newer minor, so its tables are at least this large;
    // a smaller one is a broken host and none of its fields can be trusted.
    if (!table || table->struct_size < sizeof(Table)) return nullptr;
    return table;
  }

  // The message of this thread's last failed host call, for building a Status.
  std::string last_error() const {
    if (!api_ || !api_->last_error) return {};
    return to_string(api_->last_error(host_));
  }
  Status failure(wabot_status code, std::string_view what) const {
    std::string message(what);
    std::string cause = last_error();
    if (!cause.empty()) message.append(": ").append(cause);
    return Status::error(code, std::move(message));
  }
  void set_error(std::string_view message) const noexcept {
    if (api_ && api_->set_error) api_->set_error(host_, to_view(message));
  }

  // Keeps `object` alive until the plugin is destroyed and returns a raw pointer to it, for the
  // user_data of routes, timers and posted tasks.
  template <class T>
  T* keep(std::unique_ptr<T> object) {
    T* raw = object.get();
    std::lock_guard<std::mutex> lock(mutex_);
    kept_.push_back(std::shared_ptr<void>(std::move(object)));
    return raw;
  }

 private:
  const wabot_host_api* api_;
  wabot_host* host_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<void>> kept_;
};

namespace detail {
inline Status missing_service(std::string_view name) {
  return Status::error(WABOT_ERR_UNSUPPORTED, std::string("the host offers no '").append(name).append("' service v1"));
}
}  // namespace detail

}  // namespace wabot
