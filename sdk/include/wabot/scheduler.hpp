// SPDX-License-Identifier: MIT
// Scheduler: timers and background work on the plugin's serial queue ("scheduler" service).
#pragma once

#include <wabot/host.hpp>

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>

namespace wabot {

namespace detail {
struct Task {
  const Host* host;
  std::function<void()> fn;
  bool once;  // posted work is freed after it ran; timers live until destroy
};
inline void task_trampoline(void* user_data) noexcept {
  auto* task = static_cast<Task*>(user_data);
  try {
    task->fn();
  } catch (const std::exception& e) {
    task->host->set_error(std::string("scheduled task threw: ") + e.what());
  } catch (...) {
    task->host->set_error("scheduled task threw a non-std exception");
  }
  if (task->once) delete task;
}
}  // namespace detail

class Scheduler {
 public:
  explicit Scheduler(Host& host) noexcept : host_(&host), table_(host.service<wabot_scheduler_service_v1>("scheduler", 1)) {}

  // Runs `fn` after delay_ms and then every interval_ms (> 0) until cancel or stop.
  Result<wabot_timer_id> schedule(int64_t delay_ms, int64_t interval_ms, std::function<void()> fn) {
    if (!table_) return detail::missing_service("scheduler");
    auto* task = host_->keep(std::make_unique<detail::Task>(detail::Task{host_, std::move(fn), false}));
    wabot_timer_id id = 0;
    wabot_status rc = table_->schedule(host_->raw(), delay_ms, interval_ms, &detail::task_trampoline, task, &id);
    if (rc != WABOT_OK) return host_->failure(rc, "failed to schedule a timer");
    return id;
  }
  Status cancel(wabot_timer_id id) const {
    if (!table_) return detail::missing_service("scheduler");
    wabot_status rc = table_->cancel(host_->raw(), id);
    if (rc != WABOT_OK) return host_->failure(rc, "failed to cancel a timer");
    return Status::ok();
  }
  // Runs `fn` once on the plugin's queue. RETRY when the queue is full.
  Status post(std::function<void()> fn) const {
    if (!table_) return detail::missing_service("scheduler");
    auto task = std::make_unique<detail::Task>(detail::Task{host_, std::move(fn), true});
    wabot_status rc = table_->post(host_->raw(), &detail::task_trampoline, task.get());
    if (rc != WABOT_OK) return host_->failure(rc, "failed to post work");
    task.release();  // the trampoline frees it after running
    return Status::ok();
  }

 private:
  Host* host_;
  const wabot_scheduler_service_v1* table_;
};

}  // namespace wabot
