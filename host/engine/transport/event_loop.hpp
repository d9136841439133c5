// SPDX-License-Identifier: GPL-3.0-or-later
// EventLoop: the one I/O loop every connection of the process shares (Boost.Asio, a small fixed pool of
// threads; no thread per connection). Each client serialises its own work on a strand of this loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace wabot::engine::transport {

using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

class EventLoop {
 public:
  // threads: the pool size (1..32). Every socket, timer and handshake of every agent runs on these.
  explicit EventLoop(std::size_t threads = 2);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  boost::asio::io_context& context() { return io_; }
  Strand make_strand() { return boost::asio::make_strand(io_); }
  // Shared TLS client context: system CAs, peer verification, idle buffers released (memory per agent).
  boost::asio::ssl::context& tls_context() { return tls_; }
  std::size_t thread_count() const { return threads_.size(); }
  // Also trust the CA certificates of this PEM file (a private server or a test proxy). Call before
  // connecting; an unreadable or invalid file is an error and changes nothing.
  bool add_trusted_ca_file(const std::string& pem_path, std::string& error);

  // Lets the loop finish its outstanding work (closing sockets, cancelled timers) for up to drain_ms,
  // then stops it and joins the threads. Also done by the destructor. Every Client and connection
  // must be stopped before and released after this (their sockets belong to this loop).
  void stop(std::chrono::milliseconds drain = std::chrono::milliseconds(5000));

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::ssl::context tls_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable idle_cv_;
  std::size_t running_ = 0;
};

}  // namespace wabot::engine::transport
