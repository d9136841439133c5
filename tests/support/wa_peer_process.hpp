// SPDX-License-Identifier: GPL-3.0-or-later
// WaPeerProcess: a real Baileys client driven through tests/wa_sim/bin/wa-peer.js (JSON lines on
// stdin/stdout): commands with replies matched by id, and the peer's events kept for waiting on.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace wabot::test {

class WaPeerProcess {
 public:
  using Object = Poco::JSON::Object::Ptr;

  // sim_dir: tests/wa_sim; control_url/ws_url from the simulator; auth_dir: the peer's auth state.
  WaPeerProcess(const std::string& sim_dir, const std::string& control_url, const std::string& ws_url, const std::string& auth_dir) {
    Poco::Process::Args args{sim_dir + "/bin/wa-peer.js", "--sim", control_url, "--ws", ws_url, "--auth-dir", auth_dir,
                             "--log-level", "warn"};
    handle_ = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch("node", args, sim_dir, &in_, &out_, &err_));
    in_stream_ = std::make_unique<Poco::PipeOutputStream>(in_);
    err_thread_ = std::thread([this] {
      Poco::PipeInputStream s(err_);
      std::string line;
      while (std::getline(s, line)) {
        std::lock_guard lock(mu_);
        if (stderr_.size() < 200'000) stderr_ += line + "\n";
      }
    });
    out_thread_ = std::thread([this] {
      Poco::PipeInputStream s(out_);
      std::string line;
      while (std::getline(s, line)) {
        Object obj;
        try {
          obj = Poco::JSON::Parser().parse(line).extract<Object>();
        } catch (...) {
          continue;
        }
        std::lock_guard lock(mu_);
        if (obj->has("event") && !obj->has("ok")) {
          if (hook_) hook_(obj);
          if (events_.size() < 100'000) events_.push_back(obj);
        } else if (obj->has("id")) {
          replies_[obj->getValue<long>("id")] = obj;
        }
        cv_.notify_all();
      }
      std::lock_guard lock(mu_);
      exited_ = true;
      cv_.notify_all();
    });
    // The driver prints {"event":"ready"} once it accepts commands.
    if (!wait_event([](const Object& e) { return e->getValue<std::string>("event") == "ready"; }, std::chrono::seconds(60)))
      throw std::runtime_error("wa-peer did not become ready; stderr:\n" + stderr_text());
  }

  ~WaPeerProcess() {
    try {
      in_stream_->close();  // the driver exits when its stdin closes
      in_.close(Poco::Pipe::CLOSE_WRITE);
      Poco::Process::requestTermination(handle_->id());
      handle_->wait();
    } catch (...) {
    }
    if (out_thread_.joinable()) out_thread_.join();
    if (err_thread_.joinable()) err_thread_.join();
  }

  // Sends {"id","cmd",...args} and returns the result object; throws with the driver's error text.
  Object call(const std::string& cmd, Object args = nullptr, std::chrono::milliseconds timeout = std::chrono::seconds(90)) {
    if (!args) args = new Poco::JSON::Object;
    long id;
    {
      std::lock_guard lock(mu_);
      id = ++next_id_;
    }
    args->set("id", id);
    args->set("cmd", cmd);
    std::ostringstream line;
    Poco::JSON::Stringifier::condense(args, line);
    {
      std::lock_guard lock(write_mu_);
      *in_stream_ << line.str() << "\n" << std::flush;
    }
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return replies_.count(id) > 0 || exited_; }))
      throw std::runtime_error("wa-peer: no reply to " + cmd);
    if (!replies_.count(id)) throw std::runtime_error("wa-peer exited during " + cmd + "; stderr:\n" + stderr_);
    Object reply = replies_[id];
    replies_.erase(id);
    if (!reply->getValue<bool>("ok")) throw std::runtime_error("wa-peer " + cmd + " failed: " + reply->getValue<std::string>("error"));
    return reply->getObject("result");
  }

  // Waits until an event satisfying pred was received (events received earlier count too).
  template <class Pred>
  bool wait_event(Pred pred, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] {
      for (const auto& e : events_)
        if (pred(e)) return true;
      return exited_;
    }) && !exited_;
  }
  std::vector<Object> events() {
    std::lock_guard lock(mu_);
    return events_;
  }
  // Called on the reader thread for every event as it arrives (benchmarks time arrivals with it).
  void set_event_hook(std::function<void(const Object&)> hook) {
    std::lock_guard lock(mu_);
    hook_ = std::move(hook);
  }
  std::string stderr_text() {
    std::lock_guard lock(mu_);
    return stderr_;
  }

  static Object args(std::initializer_list<std::pair<std::string, Poco::Dynamic::Var>> kv) {
    Object o = new Poco::JSON::Object;
    for (const auto& [k, v] : kv) o->set(k, v);
    return o;
  }

 private:
  Poco::Pipe in_, out_, err_;
  std::unique_ptr<Poco::ProcessHandle> handle_;
  std::unique_ptr<Poco::PipeOutputStream> in_stream_;
  std::thread out_thread_, err_thread_;
  std::mutex mu_, write_mu_;
  std::condition_variable cv_;
  std::map<long, Object> replies_;
  std::function<void(const Object&)> hook_;
  std::vector<Object> events_;
  std::string stderr_;
  long next_id_ = 0;
  bool exited_ = false;
};

}  // namespace wabot::test
