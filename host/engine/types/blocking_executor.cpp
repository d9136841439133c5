// SPDX-License-Identifier: GPL-3.0-or-later
// BlockingExecutor on Boost.Asio's thread_pool, with a bound on the queued work.
#include "host/engine/types/blocking_executor.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <exception>

#include "host/common/log.hpp"

namespace wabot::engine {

BlockingExecutor::BlockingExecutor(std::string name, std::size_t threads, std::size_t max_queued)
    : name_(std::move(name)), max_queued_(std::max<std::size_t>(1, max_queued)), pool_(std::clamp<std::size_t>(threads, 1, 32)) {}

BlockingExecutor::~BlockingExecutor() { stop(); }

bool BlockingExecutor::post(std::function<void()> work) {
  if (!work || stopping_.load()) return false;
  if (queued_.fetch_add(1) >= max_queued_) {
    queued_.fetch_sub(1);
    return false;
  }
  boost::asio::post(pool_, [this, work = std::move(work)] {
    try {
      work();
    } catch (const std::exception& e) {
      wabot::log::error("engine: blocking work threw", {{"executor", name_}, {"error", e.what()}});
    } catch (...) {
      wabot::log::error("engine: blocking work threw", {{"executor", name_}});
    }
    queued_.fetch_sub(1);
  });
  return true;
}

void BlockingExecutor::stop() {
  stopping_ = true;
  pool_.join();
}

}  // namespace wabot::engine
