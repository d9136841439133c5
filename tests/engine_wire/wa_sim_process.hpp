// SPDX-License-Identifier: GPL-3.0-or-later
// WaSimProcess: starts the WhatsApp simulator (tests/wa_sim) for one test and drives its control API.
#pragma once

#include <Poco/Base64Decoder.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "host/engine/crypto/crypto.hpp"

namespace wabot::engine::test {

class WaSimProcess {
 public:
  static std::string source_dir() {
    const char* src = std::getenv("WABOT_SOURCE_DIR");
    return std::string(src ? src : ".");
  }
  static std::string sim_dir() { return source_dir() + "/tests/wa_sim"; }
  // The simulator needs its npm dependencies (`npm ci` in tests/wa_sim).
  static bool available() { return std::filesystem::exists(sim_dir() + "/node_modules"); }

  WaSimProcess() {
    Poco::Process::Args args{sim_dir() + "/bin/wa-sim.js", "--port", "0", "--control-port", "0"};
    handle_ = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch("node", args, sim_dir(), &in_, &out_, &err_));
    // Drain stderr (the simulator's log) so it never blocks on a full pipe; keep it for failure messages.
    err_thread_ = std::thread([this] {
      Poco::PipeInputStream s(err_);
      std::string line;
      while (std::getline(s, line)) {
        std::lock_guard lock(log_mu_);
        if (log_.size() < 1'000'000) log_ += line + "\n";
      }
    });
    Poco::PipeInputStream out(out_);
    std::string line;
    if (!std::getline(out, line)) throw std::runtime_error("wa-sim printed nothing; log:\n" + log());
    auto info = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
    ws_url_ = info->getValue<std::string>("wsUrl");
    control_url_ = info->getValue<std::string>("controlUrl");
    std::istringstream b64(info->getValue<std::string>("rootPublicKey"));
    Poco::Base64Decoder dec(b64);
    std::string raw((std::istreambuf_iterator<char>(dec)), std::istreambuf_iterator<char>());
    if (raw.size() != 32) throw std::runtime_error("wa-sim root key is not 32 bytes");
    std::copy(raw.begin(), raw.end(), root_key_.begin());
  }

  ~WaSimProcess() {
    in_.close();  // the simulator stops when its stdin closes
    try {
      Poco::Process::requestTermination(handle_->id());
      handle_->wait();
    } catch (...) {
    }
    err_.close(Poco::Pipe::CLOSE_READ);
    if (err_thread_.joinable()) err_thread_.join();
  }

  const std::string& ws_url() const { return ws_url_; }
  const crypto::Key32& root_key() const { return root_key_; }
  std::string log() {
    std::lock_guard lock(log_mu_);
    return log_;
  }

  // POST a JSON body to the control API; returns {status, body}.
  std::pair<int, std::string> post(const std::string& path, const std::string& json) { return request("POST", path, json); }
  std::pair<int, std::string> get(const std::string& path) { return request("GET", path, ""); }

  static std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  }

 private:
  std::pair<int, std::string> request(const std::string& method, const std::string& path, const std::string& body) {
    Poco::URI uri(control_url_);
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    session.setTimeout(Poco::Timespan(60, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!body.empty()) {
      req.setContentType("application/json");
      req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::istream& in = session.receiveResponse(resp);
    std::string text;
    Poco::StreamCopier::copyToString(in, text);
    return {static_cast<int>(resp.getStatus()), text};
  }

  Poco::Pipe in_, out_, err_;
  std::unique_ptr<Poco::ProcessHandle> handle_;
  std::thread err_thread_;
  std::mutex log_mu_;
  std::string log_;
  std::string ws_url_, control_url_;
  crypto::Key32 root_key_{};
};

}  // namespace wabot::engine::test
