// SPDX-License-Identifier: GPL-3.0-or-later
// MediaServer: a loopback HTTP or HTTPS server (Poco) serving fixed media for the URL tests, including
// one that lies in HEAD and one that streams past any limit. Test double: lives only under tests/.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/HostEntry.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <memory>
#include <string>

namespace rest_api_test {

// 3000 bytes that are not valid UTF-8 (so a byte-exact comparison means something).
inline std::string media_bytes() {
  std::string s;
  for (int i = 0; i < 3000; ++i) s.push_back(static_cast<char>((i * 37 + 11) & 0xFF));
  return s;
}

// A key and a self-signed certificate (PEM files).
struct TlsFiles {
  std::string key_file;
  std::string cert_file;
};

class MediaServer {
 public:
  // Plain HTTP on 127.0.0.1.
  MediaServer() { start(Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0))); }
  // HTTPS on the first address "localhost" resolves to (the one a client connects to), with tls's certificate.
  explicit MediaServer(const TlsFiles& tls) : scheme_("https"), host_("localhost") {
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::SERVER_USE, tls.key_file, tls.cert_file,
                                                             "", Poco::Net::Context::VERIFY_NONE);
    Poco::Net::IPAddress address = Poco::Net::DNS::hostByName("localhost").addresses().front();
    start(Poco::Net::SecureServerSocket(Poco::Net::SocketAddress(address, 0), 64, context));
  }
  ~MediaServer() { server_->stopAll(true); }
  uint16_t port() const { return server_->port(); }
  std::string url(const std::string& path) const { return scheme_ + "://" + host_ + ":" + std::to_string(port()) + path; }

  std::atomic<int> heads{0}, gets{0};

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(MediaServer* s) : s_(s) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
      bool head = req.getMethod() == "HEAD";
      (head ? s_->heads : s_->gets)++;
      const std::string& p = req.getURI();
      std::string body = media_bytes();
      if (p == "/img.png") {
        res.setContentType("image/png");
      } else if (p == "/files/report") {
        res.setContentType("application/octet-stream");
        res.set("Content-Disposition", "attachment; filename=\"report.pdf\"");
      } else if (p == "/song.mp3") {
        res.setContentType("");  // nothing: the URL path decides
      } else if (p == "/big") {
        res.setContentType("video/mp4");
        res.setContentLength64(50'000'000);  // declared only; HEAD must refuse it before any GET
        if (head) { res.send(); return; }
        res.setContentLength64(0);
        res.send();
        return;
      } else if (p == "/liar") {
        res.setContentType("image/jpeg");
        if (head) { res.setContentLength64(10); res.send(); return; }
        res.setChunkedTransferEncoding(true);  // then streams far more than declared
        std::ostream& out = res.send();
        std::string chunk(4096, 'x');
        for (int i = 0; i < 64 && out.good(); ++i) out << chunk;
        return;
      } else if (p == "/redirect") {
        res.redirect("/img.png");
        return;
      } else {
        res.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
        res.setContentLength64(0);
        res.send();
        return;
      }
      res.setContentLength64(static_cast<Poco::Int64>(body.size()));
      std::ostream& out = res.send();
      if (!head) out << body;
    }

   private:
    MediaServer* s_;
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(MediaServer* s) : s_(s) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new Handler(s_); }

   private:
    MediaServer* s_;
  };
  void start(const Poco::Net::ServerSocket& socket) {
    auto params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(4);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(this), socket, params);
    server_->start();
  }

  std::string scheme_ = "http";
  std::string host_ = "127.0.0.1";
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace rest_api_test
