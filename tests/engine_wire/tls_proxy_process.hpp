// SPDX-License-Identifier: GPL-3.0-or-later
// TlsProxyProcess: a throwaway "localhost" certificate (openssl CLI) and tls_proxy.mjs in front of a ws:// port.
#pragma once

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace wabot::engine::test {

class TlsProxyProcess {
 public:
  // source_dir: the repository root; target_port: the plain WebSocket port to forward to.
  TlsProxyProcess(const std::string& source_dir, const std::string& target_port) {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("engine-wire-tls-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
    key_ = (dir_ / "key.pem").string();
    cert_ = (dir_ / "cert.pem").string();
    std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost "
                      "-addext subjectAltName=DNS:localhost -keyout " + key_ + " -out " + cert_ + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed");
    Poco::Process::Args args{source_dir + "/tests/engine_wire/tls_proxy.mjs", key_, cert_, target_port};
    handle_ = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch("node", args, source_dir, &in_, &out_, nullptr));
    Poco::PipeInputStream out(out_);
    std::string line;
    if (!std::getline(out, line)) throw std::runtime_error("tls_proxy.mjs printed nothing");
    port_ = line.substr(line.find(':') + 1);
    port_ = port_.substr(0, port_.find('}'));
  }

  ~TlsProxyProcess() {
    in_.close();  // the proxy exits when its stdin closes
    try {
      Poco::Process::requestTermination(handle_->id());
      handle_->wait();
    } catch (...) {
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  const std::string& port() const { return port_; }
  const std::string& cert_file() const { return cert_; }
  std::string missing_file() const { return (dir_ / "missing.pem").string(); }

 private:
  std::filesystem::path dir_;
  std::string key_, cert_, port_;
  Poco::Pipe in_, out_;
  std::unique_ptr<Poco::ProcessHandle> handle_;
};

// The port of a ws://host:PORT/... URL.
inline std::string url_port(const std::string& url) {
  std::string p = url.substr(url.rfind(':') + 1);
  return p.substr(0, p.find('/'));
}

}  // namespace wabot::engine::test
