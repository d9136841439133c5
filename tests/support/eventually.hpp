// SPDX-License-Identifier: GPL-3.0-or-later
// eventually(): polls a condition reached by other threads or processes until it holds or a bound passes.
#pragma once

#include <chrono>
#include <thread>

namespace wabot::test {

// The engine, the simulator and a spawned wabot give the test no callback for "done", so tests poll a
// bounded condition (never a bare sleep standing in for synchronisation). Returns the last evaluation.
template <class F>
bool eventually(F f, std::chrono::milliseconds limit = std::chrono::milliseconds(30'000),
                std::chrono::milliseconds poll = std::chrono::milliseconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (f()) return true;
    std::this_thread::sleep_for(poll);
  }
  return f();
}

}  // namespace wabot::test
