// SPDX-License-Identifier: GPL-3.0-or-later
// The time source repositories stamp rows with (epoch milliseconds); tests pass a fake one.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace wabot::store {

using Clock = std::function<std::int64_t()>;

inline std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline Clock system_clock() { return &system_now_ms; }

}  // namespace wabot::store
