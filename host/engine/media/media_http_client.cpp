// SPDX-License-Identifier: GPL-3.0-or-later
// HTTPS media upload/download on Poco NetSSL (exceptions stop here and become MediaErrors).
#include "host/engine/media/media_http_client.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/URI.h>

#include <mutex>

namespace wabot::engine::media {

namespace {

// Poco consults SSLManager's invalid-certificate handler when verification fails; without one it
// would look for an application configuration. Install a rejecting handler once per process.
void init_ssl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::Net::initializeSSL();
    Poco::SharedPtr<Poco::Net::InvalidCertificateHandler> reject = new Poco::Net::RejectCertificateHandler(false);
    Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                                         Poco::Net::Context::VERIFY_RELAXED, 9, true);
    Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, ctx);
  });
}

Poco::Net::Context::Ptr make_context(const std::string& ca_file) {
  init_ssl_once();
  // caLocation = the extra CA file; loadDefaultCAs keeps the system store too. VERIFY_STRICT, not
  // RELAXED: Poco skips the certificate's name check in RELAXED mode when the host is a local name.
  return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", ca_file, Poco::Net::Context::VERIFY_STRICT, 9, true);
}

MediaError http_error(const std::string& what) { return MediaError{MediaErrorCode::io, what}; }

}  // namespace

Result<UploadedMedia, MediaError> MediaHttpClient::upload(const std::string& host, MediaType type, const std::string& auth,
                                                   crypto::ByteView body, const crypto::Key32& file_enc_sha256) const {
  const std::string token = upload_token(file_enc_sha256);
  const std::string path = "/mms/" + std::string(mms_type(type)) + "/" + token;
  try {
    Poco::URI uri("https://" + host);
    Poco::Net::HTTPSClientSession session(uri.getHost(), uri.getPort(), make_context(ca_file_));
    session.setTimeout(Poco::Timespan(timeout_ms_ * 1000));
    std::string target = path + "?auth=";
    Poco::URI::encode(auth, "=&+/?#", target);
    target += "&token=" + token;
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, target, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Origin", "https://web.whatsapp.com");
    req.set("Referer", "https://web.whatsapp.com/");
    req.setContentType("application/octet-stream");
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(req).write(reinterpret_cast<const char*>(body.data()), static_cast<std::streamsize>(body.size()));
    Poco::Net::HTTPResponse resp;
    std::istream& in = session.receiveResponse(resp);
    std::string text;
    char buf[4096];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      text.append(buf, static_cast<std::size_t>(in.gcount()));
      if (text.size() > 64 * 1024) return http_error("media upload to " + host + path + ": response over 64 KiB");
    }
    if (resp.getStatus() != Poco::Net::HTTPResponse::HTTP_OK)
      return http_error("media upload to " + host + path + " failed: HTTP " + std::to_string(resp.getStatus()) + " " + text.substr(0, 200));
    auto obj = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    UploadedMedia out;
    out.url = obj->optValue<std::string>("url", "");
    out.direct_path = obj->optValue<std::string>("direct_path", "");
    if (out.direct_path.empty() || out.direct_path[0] != '/') return http_error("media upload to " + host + path + ": no direct_path in the reply");
    return out;
  } catch (const Poco::Exception& e) {
    return http_error("media upload to " + host + path + " failed: " + e.displayText());
  } catch (const std::exception& e) {
    return http_error("media upload to " + host + path + " failed: " + e.what());
  }
}

Result<crypto::Bytes, MediaError> MediaHttpClient::download(const std::string& url, std::uint64_t max_bytes) const {
  try {
    Poco::URI uri(url);
    if (uri.getScheme() != "https") return http_error("media download refused: not an https URL");
    Poco::Net::HTTPSClientSession session(uri.getHost(), uri.getPort(), make_context(ca_file_));
    session.setTimeout(Poco::Timespan(timeout_ms_ * 1000));
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Origin", "https://web.whatsapp.com");
    session.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    std::istream& in = session.receiveResponse(resp);
    if (resp.getStatus() != Poco::Net::HTTPResponse::HTTP_OK && resp.getStatus() != Poco::Net::HTTPResponse::HTTP_PARTIAL_CONTENT)
      return http_error("media download from " + uri.getHost() + uri.getPath() + " failed: HTTP " + std::to_string(resp.getStatus()));
    if (resp.hasContentLength() && static_cast<std::uint64_t>(resp.getContentLength64()) > max_bytes)
      return MediaError{MediaErrorCode::too_large, "media body larger than " + std::to_string(max_bytes) + " bytes"};
    crypto::Bytes body;
    char buf[16384];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      body.insert(body.end(), buf, buf + in.gcount());
      if (body.size() > max_bytes) return MediaError{MediaErrorCode::too_large, "media body larger than " + std::to_string(max_bytes) + " bytes"};
    }
    return body;
  } catch (const Poco::Exception& e) {
    return http_error("media download failed: " + e.displayText());
  } catch (const std::exception& e) {
    return http_error(std::string("media download failed: ") + e.what());
  }
}

}  // namespace wabot::engine::media
