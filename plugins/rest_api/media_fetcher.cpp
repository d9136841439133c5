// SPDX-License-Identifier: GPL-3.0-or-later
// MediaFetcher: HEAD then GET over Poco::Net, every hop's addresses checked; HTTP and HTTPS both
// connect to the very address that was checked (no second DNS lookup an attacker could answer
// differently: no DNS-rebinding window), HTTPS still checking the certificate against the URL's name.
#include "media_fetcher.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/HostEntry.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/URI.h>

#include <istream>
#include <memory>
#include <vector>

namespace rest_api {

namespace {
using Poco::Net::IPAddress;

ApiError bad_gateway(std::string message) { return ApiError{502, "BAD_GATEWAY", std::move(message), {}}; }
ApiError too_large(uint64_t max_bytes, std::string what) {
  return ApiError{413, "MEDIA_TOO_LARGE", what + " is over media.max_bytes (" + std::to_string(max_bytes) + ")", {}};
}

bool v4_private(const unsigned char* b) {
  if (b[0] == 0 || b[0] == 10 || b[0] == 127) return true;             // this network, private, loopback
  if (b[0] == 169 && b[1] == 254) return true;                         // link-local
  if (b[0] == 172 && (b[1] & 0xF0) == 16) return true;                 // 172.16/12
  if (b[0] == 192 && b[1] == 168) return true;                         // 192.168/16
  if (b[0] == 100 && (b[1] & 0xC0) == 64) return true;                 // CGNAT 100.64/10
  if (b[0] >= 224) return true;                                        // multicast, reserved, broadcast
  return false;
}

struct Target {
  Poco::URI uri;
  IPAddress address;  // checked
};

// Parses and checks one hop; `error` set when refused.
std::optional<Target> check_target(const Poco::URI& uri, bool allow_private, std::optional<ApiError>& error) {
  if (uri.getScheme() != "http" && uri.getScheme() != "https") {
    error = ApiError::invalid("media url must be http or https", "url");
    return std::nullopt;
  }
  if (uri.getHost().empty()) {
    error = ApiError::invalid("media url has no host", "url");
    return std::nullopt;
  }
  std::vector<IPAddress> addresses;
  IPAddress literal;
  if (IPAddress::tryParse(uri.getHost(), literal)) {
    addresses.push_back(literal);
  } else {
    try {
      Poco::Net::HostEntry entry = Poco::Net::DNS::hostByName(uri.getHost());
      addresses = entry.addresses();
    } catch (const Poco::Exception& e) {
      error = bad_gateway("could not resolve media host " + uri.getHost() + ": " + e.displayText());
      return std::nullopt;
    }
  }
  if (addresses.empty()) {
    error = bad_gateway("media host " + uri.getHost() + " has no address");
    return std::nullopt;
  }
  if (!allow_private) {
    for (const IPAddress& a : addresses) {
      if (is_private_address(a)) {
        error = ApiError::invalid("media url resolves to a private, loopback or link-local address (" + a.toString() +
                                      "); set media.allow_private_urls to allow it",
                                  "url");
        return std::nullopt;
      }
    }
  }
  return Target{uri, addresses.front()};
}

std::unique_ptr<Poco::Net::HTTPClientSession> open_session(const Target& t, int64_t timeout_ms) {
  std::unique_ptr<Poco::Net::HTTPClientSession> s;
  if (t.uri.getScheme() == "https") {
    // The system's CAs (OpenSSL's defaults, so SSL_CERT_FILE/SSL_CERT_DIR apply). VERIFY_STRICT, not
    // RELAXED: Poco skips the certificate's name check in RELAXED mode when the host is a local name.
    static Poco::Net::Context::Ptr context = new Poco::Net::Context(
        Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_STRICT, 9, true);
    // SNI and the certificate's name check use the URL's host name (set on the socket before the
    // session connects, so Poco keeps it); the session's host is the checked address, so Poco connects
    // there without resolving the name again.
    Poco::Net::SecureStreamSocket socket(context);
    socket.setPeerHostName(t.uri.getHost());
    auto https = std::make_unique<Poco::Net::HTTPSClientSession>(socket);
    https->setHost(t.address.toString());
    https->setPort(t.uri.getPort());
    s = std::move(https);
  } else {
    s = std::make_unique<Poco::Net::HTTPClientSession>(Poco::Net::SocketAddress(t.address, t.uri.getPort()));
  }
  s->setTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(timeout_ms) * 1000));
  return s;
}

Poco::Net::HTTPRequest make_request(const std::string& method, const Target& t) {
  std::string path = t.uri.getPathEtc();
  if (path.empty()) path = "/";
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  req.setHost(t.uri.getHost(), t.uri.getPort());
  req.set("User-Agent", "wabot-media-fetch");
  return req;
}

std::string mime_only(const std::string& content_type) {
  std::string m = content_type.substr(0, content_type.find(';'));
  while (!m.empty() && m.back() == ' ') m.pop_back();
  return m;
}

std::string last_path_segment(const Poco::URI& uri) {
  std::vector<std::string> segments;
  uri.getPathSegments(segments);
  return segments.empty() ? std::string() : segments.back();
}
}  // namespace

bool is_private_address(const IPAddress& a) {
  if (a.isWildcard() || a.isLoopback() || a.isLinkLocal() || a.isSiteLocal() || a.isMulticast() || a.isBroadcast())
    return true;
  const auto* b = static_cast<const unsigned char*>(a.addr());
  if (a.family() == IPAddress::IPv4) return v4_private(b);
  if ((b[0] & 0xFE) == 0xFC) return true;                  // unique-local fc00::/7
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;  // link-local fe80::/10
  bool mapped = true;                                       // ::ffff:a.b.c.d
  for (int i = 0; i < 10; ++i) mapped = mapped && b[i] == 0;
  if (mapped && b[10] == 0xFF && b[11] == 0xFF) return v4_private(b + 12);
  bool compat = true;                                       // ::a.b.c.d (deprecated, still routable to v4)
  for (int i = 0; i < 12; ++i) compat = compat && b[i] == 0;
  if (compat) return true;
  return false;
}

std::string content_disposition_file_name(std::string_view h) {
  size_t pos = h.find("filename=");
  if (pos == std::string_view::npos) return {};
  std::string_view v = h.substr(pos + 9);
  if (!v.empty() && v.front() == '"') {
    v.remove_prefix(1);
    return std::string(v.substr(0, v.find('"')));
  }
  return std::string(v.substr(0, v.find(';')));
}

MediaFetchResult MediaFetcher::fetch(const std::string& url) const {
  MediaFetchResult out;
  Poco::URI uri;
  try {
    uri = Poco::URI(url);
  } catch (const Poco::Exception&) {
    out.error = ApiError::invalid("media url is not a valid URL", "url");
    return out;
  }
  try {
    for (int hop = 0; hop <= options_.max_redirects; ++hop) {
      std::optional<Target> target = check_target(uri, options_.allow_private_urls, out.error);
      if (!target) return out;

      // HEAD first: a declared size over the limit is refused before any byte is downloaded. Servers
      // that refuse HEAD are tolerated; the GET below counts bytes anyway.
      {
        auto session = open_session(*target, options_.timeout_ms);
        Poco::Net::HTTPRequest head = make_request(Poco::Net::HTTPRequest::HTTP_HEAD, *target);
        session->sendRequest(head);
        Poco::Net::HTTPResponse response;
        session->receiveResponse(response);
        int code = static_cast<int>(response.getStatus());
        if (code >= 200 && code < 300 && response.hasContentLength() &&
            static_cast<uint64_t>(response.getContentLength64()) > options_.max_bytes) {
          out.error = too_large(options_.max_bytes, "media url Content-Length " + std::to_string(response.getContentLength64()));
          return out;
        }
      }

      auto session = open_session(*target, options_.timeout_ms);
      Poco::Net::HTTPRequest get = make_request(Poco::Net::HTTPRequest::HTTP_GET, *target);
      session->sendRequest(get);
      Poco::Net::HTTPResponse response;
      std::istream& body = session->receiveResponse(response);
      int code = static_cast<int>(response.getStatus());
      if (code >= 300 && code < 400 && response.has("Location")) {
        uri.resolve(response.get("Location"));  // relative or absolute; checked again on the next hop
        continue;
      }
      if (code < 200 || code >= 300) {
        out.error = bad_gateway("media url answered HTTP " + std::to_string(code));
        return out;
      }
      if (response.hasContentLength() && static_cast<uint64_t>(response.getContentLength64()) > options_.max_bytes) {
        out.error = too_large(options_.max_bytes, "media url Content-Length " + std::to_string(response.getContentLength64()));
        return out;
      }
      // Count every byte: the server may have lied in HEAD or send no length at all.
      char buffer[64 * 1024];
      while (body) {
        body.read(buffer, sizeof buffer);
        std::streamsize n = body.gcount();
        if (n <= 0) break;
        if (out.media.bytes.size() + static_cast<uint64_t>(n) > options_.max_bytes) {
          out.media.bytes.clear();
          out.error = too_large(options_.max_bytes, "media from url");
          return out;
        }
        out.media.bytes.append(buffer, static_cast<size_t>(n));
      }
      if (body.bad()) {
        out.error = bad_gateway("media download from " + uri.getHost() + " failed");
        return out;
      }
      out.media.mime_type = mime_only(response.getContentType());
      if (out.media.mime_type == "application/octet-stream") out.media.mime_type.clear();  // no information
      out.media.file_name = response.has("Content-Disposition")
                                ? content_disposition_file_name(response.get("Content-Disposition"))
                                : std::string();
      if (out.media.file_name.empty()) out.media.file_name = last_path_segment(uri);
      return out;
    }
    out.error = bad_gateway("media url redirected more than " + std::to_string(options_.max_redirects) + " times");
  } catch (const Poco::Exception& e) {
    out.error = bad_gateway("could not fetch media from " + uri.getHost() + ": " + e.displayText());
  } catch (const std::exception& e) {
    out.error = bad_gateway("could not fetch media from " + uri.getHost() + ": " + e.what());
  }
  return out;
}

}  // namespace rest_api
