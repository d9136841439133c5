// SPDX-License-Identifier: GPL-3.0-or-later
// The shared I/O loop and its thread pool.
#include "host/engine/transport/event_loop.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <exception>

#include "host/common/log.hpp"

namespace wabot::engine::transport {

EventLoop::EventLoop(std::size_t threads)
    : io_(static_cast<int>(std::clamp<std::size_t>(threads, 1, 32))),
      work_(boost::asio::make_work_guard(io_)),
      tls_(boost::asio::ssl::context::tls_client) {
  boost::system::error_code ec;
  tls_.set_default_verify_paths(ec);
  if (ec) wabot::log::warn("engine: cannot load the system CA store", {{"error", ec.message()}});
  tls_.set_verify_mode(boost::asio::ssl::verify_peer);
  SSL_CTX_set_mode(tls_.native_handle(), SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_min_proto_version(tls_.native_handle(), TLS1_2_VERSION);
  threads = std::clamp<std::size_t>(threads, 1, 32);
  running_ = threads;
  for (std::size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      // Exceptions stop at the thread entry: log and keep the loop serving the other agents.
      for (;;) {
        try {
          io_.run();
          {
            std::lock_guard lock(mu_);
            --running_;
          }
          idle_cv_.notify_all();
          return;
        } catch (const std::exception& e) {
          wabot::log::error("engine: event loop handler threw", {{"error", e.what()}});
        } catch (...) {
          wabot::log::error("engine: event loop handler threw a non-exception");
        }
      }
    });
  }
}

EventLoop::~EventLoop() { stop(); }

bool EventLoop::add_trusted_ca_file(const std::string& pem_path, std::string& error) {
  boost::system::error_code ec;
  tls_.load_verify_file(pem_path, ec);
  if (ec) {
    error = "cannot load CA file " + pem_path + ": " + ec.message();
    return false;
  }
  return true;
}

void EventLoop::stop(std::chrono::milliseconds drain) {
  work_.reset();
  {
    std::unique_lock lock(mu_);
    idle_cv_.wait_for(lock, drain, [this] { return running_ == 0; });
  }
  io_.stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

}  // namespace wabot::engine::transport
