// SPDX-License-Identifier: GPL-3.0-or-later
// WabotProcess: the real build/bin/wabot executable started on a config file, its JSON-lines log kept,
// stopped by SIGTERM or killed by SIGKILL; the destructor kills it if it still runs (also on failure).
#pragma once

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "eventually.hpp"
#include "http_request.hpp"

namespace wabot::test {

class WabotProcess {
 public:
  static std::string executable() {
    const char* dir = std::getenv("WABOT_BINARY_DIR");
    return std::string(dir ? dir : ".") + "/bin/wabot";
  }

  // Starts `wabot --config <config_path>` in `work_dir`. The Node.js service's environment variables
  // override the file, so the ones a CI machine might carry are blanked (empty counts as unset).
  WabotProcess(const std::string& config_path, const std::string& work_dir) {
    Poco::Process::Env env{{"PORT", ""},        {"DB_URL", ""},    {"AI_BACKEND_URL", ""}, {"LOG_LEVEL", ""},
                           {"APP_BASE_URL", ""}, {"TEMP_DIR", ""}, {"CORS_ORIGINS", ""},   {"DEVELOPER_JID", ""}};
    handle_ = std::make_unique<Poco::ProcessHandle>(
        Poco::Process::launch(executable(), {"--config", config_path}, work_dir, nullptr, nullptr, &err_, env));
    pid_ = handle_->id();
    reader_ = std::thread([this] {
      Poco::PipeInputStream in(err_);
      std::string line;
      while (std::getline(in, line)) {
        std::lock_guard lock(mu_);
        if (log_.size() < kMaxLogBytes) log_ += line + "\n";
      }
    });
  }

  ~WabotProcess() {
    kill_hard();
    if (reader_.joinable()) reader_.join();
  }
  WabotProcess(const WabotProcess&) = delete;
  WabotProcess& operator=(const WabotProcess&) = delete;

  int pid() const { return pid_; }
  bool running() const { return status_ == kRunning; }

  // Waits until GET /health answers 200 (plugins start after the HTTP server, so the port alone is
  // not enough); false when the process exits or the time runs out.
  bool wait_healthy(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    return eventually([&] { return !reap() && try_http_request(port, "GET", "/health").status == 200; }, timeout) &&
           running();
  }

  // SIGKILL: no handler runs, nothing is flushed or closed by wabot itself. Returns once reaped.
  void kill_hard() {
    if (!running()) return;
    ::kill(pid_, SIGKILL);
    int raw = 0;
    ::waitpid(pid_, &raw, 0);
    status_ = 128 + SIGKILL;
  }

  // SIGTERM and the exit status (128+signal when killed); SIGKILL and -1 if it does not exit in time.
  int terminate(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    if (!running()) return status_;
    ::kill(pid_, SIGTERM);
    if (!eventually([&] { return reap(); }, timeout, std::chrono::milliseconds(20))) {
      kill_hard();
      return -1;
    }
    return status_;
  }

  // The whole log of an exited process (waits for the pipe to close); "" while it still runs.
  std::string final_log() {
    if (!running()) {
      if (reader_.joinable()) reader_.join();
      return log();
    }
    return "";
  }

  // Everything wabot wrote to stderr so far (JSON lines), up to kMaxLogBytes.
  std::string log() {
    std::lock_guard lock(mu_);
    return log_;
  }

 private:
  static constexpr int kRunning = -1000;
  static constexpr std::size_t kMaxLogBytes = 32u << 20;

  // True when the process has exited (and records how).
  bool reap() {
    if (!running()) return true;
    int raw = 0;
    if (::waitpid(pid_, &raw, WNOHANG) != pid_) return false;
    status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    return true;
  }

  Poco::Pipe err_;
  std::unique_ptr<Poco::ProcessHandle> handle_;
  int pid_ = 0;
  int status_ = kRunning;
  std::thread reader_;
  std::mutex mu_;
  std::string log_;
};

}  // namespace wabot::test
