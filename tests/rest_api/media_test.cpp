// SPDX-License-Identifier: GPL-3.0-or-later
// Media inputs: strict base64 with the size limit, private-address refusal, and URL fetching (HEAD
// then GET, limits even when the server lies, names and types from headers or the path).
#include "base64_payload.hpp"
#include "media_fetcher.hpp"
#include "media_preview.hpp"
#include "media_server.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

using rest_api::Base64Payload;
using rest_api::MediaFetcher;
using rest_api::MediaFetchOptions;

namespace {
std::string b64(const std::string& s) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out);
  enc.rdbuf()->setLineLength(0);
  enc << s;
  enc.close();
  return out.str();
}
bool private_ip(const char* text) { return rest_api::is_private_address(Poco::Net::IPAddress(text)); }
}  // namespace

class MediaTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MediaTest);
  CPPUNIT_TEST(base64RoundTripsEveryLength);
  CPPUNIT_TEST(base64RefusesGarbage);
  CPPUNIT_TEST(base64LimitIsOnDecodedSize);
  CPPUNIT_TEST(base64DataUrlGivesMime);
  CPPUNIT_TEST(privateAddresses);
  CPPUNIT_TEST(fetchImageByteIdentical);
  CPPUNIT_TEST(fetchNamesFromDispositionAndPath);
  CPPUNIT_TEST(fetchRefusesPrivateUnlessAllowed);
  CPPUNIT_TEST(fetchRefusesOtherSchemes);
  CPPUNIT_TEST(headOverLimitIs413WithoutGet);
  CPPUNIT_TEST(lyingServerIsCutAtTheLimit);
  CPPUNIT_TEST(fetchFailuresAre502);
  CPPUNIT_TEST(redirectIsFollowedAndChecked);
  CPPUNIT_TEST(httpsConnectsToTheCheckedAddressAndChecksTheName);
  CPPUNIT_TEST(previewGetsAGeneratedName);
  CPPUNIT_TEST_SUITE_END();

  rest_api_test::MediaServer server_;
  MediaFetchOptions allow_{10'000, true, 5'000, 3};

 public:
  void base64RoundTripsEveryLength() {
    std::string all = rest_api_test::media_bytes();
    for (size_t n = 1; n < 70; ++n) {
      std::string s = all.substr(0, n);
      Base64Payload p = Base64Payload::decode(b64(s), 1000);
      CPPUNIT_ASSERT_MESSAGE(std::to_string(n), p.outcome == Base64Payload::Outcome::ok);
      CPPUNIT_ASSERT(p.bytes == s);
    }
    Base64Payload unpadded = Base64Payload::decode("aGk", 10);  // "hi" without '='
    CPPUNIT_ASSERT(unpadded.outcome == Base64Payload::Outcome::ok);
    CPPUNIT_ASSERT_EQUAL(std::string("hi"), unpadded.bytes);
    Base64Payload wrapped = Base64Payload::decode("aGVs\r\nbG8=", 10);
    CPPUNIT_ASSERT_EQUAL(std::string("hello"), wrapped.bytes);
  }
  void base64RefusesGarbage() {
    for (const char* bad : {"", "a", "aGk*", "aG=k", "aGk===", "====", "data:image/png,AAAA", "aGVsbG8=aGk="})
      CPPUNIT_ASSERT_MESSAGE(bad, Base64Payload::decode(bad, 100).outcome == Base64Payload::Outcome::invalid);
  }
  void base64LimitIsOnDecodedSize() {
    std::string exact(300, 'z');
    CPPUNIT_ASSERT(Base64Payload::decode(b64(exact), 300).outcome == Base64Payload::Outcome::ok);
    CPPUNIT_ASSERT(Base64Payload::decode(b64(exact + "z"), 300).outcome == Base64Payload::Outcome::too_large);
    // A huge text is refused before decoding (no allocation proportional to it beyond the input).
    CPPUNIT_ASSERT(Base64Payload::decode(std::string(4'000'000, 'A'), 1000).outcome == Base64Payload::Outcome::too_large);
  }
  void base64DataUrlGivesMime() {
    Base64Payload p = Base64Payload::decode("data:image/png;base64," + b64("PNG!"), 100);
    CPPUNIT_ASSERT(p.outcome == Base64Payload::Outcome::ok);
    CPPUNIT_ASSERT_EQUAL(std::string("image/png"), p.mime_type);
    CPPUNIT_ASSERT_EQUAL(std::string("PNG!"), p.bytes);
  }
  void privateAddresses() {
    for (const char* ip : {"127.0.0.1", "127.8.9.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                           "169.254.169.254", "0.0.0.0", "100.64.0.1", "224.0.0.1", "255.255.255.255", "::1", "::",
                           "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1"})
      CPPUNIT_ASSERT_MESSAGE(ip, private_ip(ip));
    for (const char* ip : {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"})
      CPPUNIT_ASSERT_MESSAGE(ip, !private_ip(ip));
  }
  // HTTPS connects to the address that was checked (the session is given that address, so there is no
  // second lookup: no DNS-rebinding window) while SNI and the certificate check use the URL's name: a
  // certificate for "localhost" is accepted at https://localhost, one for another name is refused.
  void httpsConnectsToTheCheckedAddressAndChecksTheName() {
    Poco::TemporaryFile dir;
    dir.createDirectories();
    auto make_cert = [&](const std::string& name) {
      rest_api_test::TlsFiles f{dir.path() + "/" + name + ".key", dir.path() + "/" + name + ".pem"};
      const std::string cmd =
          "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=" + name +
          " -addext subjectAltName=DNS:" + name + " -keyout " + f.key_file + " -out " + f.cert_file + " >/dev/null 2>&1";
      CPPUNIT_ASSERT_EQUAL_MESSAGE(cmd, 0, std::system(cmd.c_str()));
      return f;
    };
    const auto good = make_cert("localhost"), other = make_cert("media.example");
    // Both self-signed certificates are trusted (OpenSSL's default CA file, which the fetcher uses), so
    // only the name decides.
    const std::string bundle = dir.path() + "/bundle.pem";
    CPPUNIT_ASSERT_EQUAL(0, std::system(("cat " + good.cert_file + " " + other.cert_file + " > " + bundle).c_str()));
    ::setenv("SSL_CERT_FILE", bundle.c_str(), 1);
    rest_api_test::MediaServer tls(good);

    auto r = MediaFetcher(allow_).fetch(tls.url("/img.png"));
    CPPUNIT_ASSERT_MESSAGE(r.error ? r.error->message : "", !r.error);
    CPPUNIT_ASSERT(r.media.bytes == rest_api_test::media_bytes());
    CPPUNIT_ASSERT_EQUAL(std::string("image/png"), r.media.mime_type);
    CPPUNIT_ASSERT_EQUAL(2, tls.heads.load() + tls.gets.load());

    rest_api_test::MediaServer wrong_name(other);
    auto mismatch = MediaFetcher(allow_).fetch(wrong_name.url("/img.png"));
    CPPUNIT_ASSERT(mismatch.error.has_value());
    CPPUNIT_ASSERT_EQUAL(502, mismatch.error->http_status);
    CPPUNIT_ASSERT_EQUAL(0, wrong_name.heads.load() + wrong_name.gets.load());

    MediaFetchOptions strict = allow_;
    strict.allow_private_urls = false;
    auto refused = MediaFetcher(strict).fetch(tls.url("/img.png"));
    CPPUNIT_ASSERT(refused.error.has_value());
    CPPUNIT_ASSERT_EQUAL(400, refused.error->http_status);
    CPPUNIT_ASSERT_EQUAL(2, tls.heads.load() + tls.gets.load());  // refused before any connection
  }

  void fetchImageByteIdentical() {
    auto r = MediaFetcher(allow_).fetch(server_.url("/img.png"));
    CPPUNIT_ASSERT_MESSAGE(r.error ? r.error->message : "", !r.error);
    CPPUNIT_ASSERT(r.media.bytes == rest_api_test::media_bytes());
    CPPUNIT_ASSERT_EQUAL(std::string("image/png"), r.media.mime_type);
    CPPUNIT_ASSERT_EQUAL(std::string("img.png"), r.media.file_name);
    CPPUNIT_ASSERT_EQUAL(1, server_.heads.load());  // HEAD first
    CPPUNIT_ASSERT_EQUAL(1, server_.gets.load());
  }
  void fetchNamesFromDispositionAndPath() {
    auto r = MediaFetcher(allow_).fetch(server_.url("/files/report"));
    CPPUNIT_ASSERT(!r.error);
    CPPUNIT_ASSERT_EQUAL(std::string("report.pdf"), r.media.file_name);
    CPPUNIT_ASSERT_EQUAL(std::string(""), r.media.mime_type);  // octet-stream says nothing
    auto s = MediaFetcher(allow_).fetch(server_.url("/song.mp3"));
    CPPUNIT_ASSERT(!s.error);
    CPPUNIT_ASSERT_EQUAL(std::string("song.mp3"), s.media.file_name);
  }
  void fetchRefusesPrivateUnlessAllowed() {
    MediaFetchOptions strict = allow_;
    strict.allow_private_urls = false;
    for (std::string url : {server_.url("/img.png"), std::string("http://localhost:1/x"), std::string("http://169.254.169.254/latest"),
                            std::string("http://[::1]:1/x"), std::string("http://10.0.0.1/x")}) {
      auto r = MediaFetcher(strict).fetch(url);
      CPPUNIT_ASSERT_MESSAGE(url, r.error && r.error->http_status == 400 && r.error->code == "INVALID_PAYLOAD");
    }
    CPPUNIT_ASSERT_EQUAL(0, server_.heads.load() + server_.gets.load());  // refused before connecting
  }
  void fetchRefusesOtherSchemes() {
    for (const char* url : {"ftp://example.com/x", "file:///etc/passwd", "gopher://x/", "not a url", "http:///nohost"}) {
      auto r = MediaFetcher(allow_).fetch(url);
      CPPUNIT_ASSERT_MESSAGE(url, r.error && r.error->http_status == 400);
    }
  }
  void headOverLimitIs413WithoutGet() {
    auto r = MediaFetcher(allow_).fetch(server_.url("/big"));
    CPPUNIT_ASSERT(r.error);
    CPPUNIT_ASSERT_EQUAL(413, r.error->http_status);
    CPPUNIT_ASSERT_EQUAL(std::string("MEDIA_TOO_LARGE"), r.error->code);
    CPPUNIT_ASSERT_EQUAL(0, server_.gets.load());
  }
  void lyingServerIsCutAtTheLimit() {
    auto r = MediaFetcher(allow_).fetch(server_.url("/liar"));
    CPPUNIT_ASSERT(r.error);
    CPPUNIT_ASSERT_EQUAL(413, r.error->http_status);
    CPPUNIT_ASSERT(r.media.bytes.empty());
  }
  void fetchFailuresAre502() {
    auto missing = MediaFetcher(allow_).fetch(server_.url("/missing"));
    CPPUNIT_ASSERT(missing.error && missing.error->http_status == 502 && missing.error->code == "BAD_GATEWAY");
    Poco::Net::ServerSocket closed(Poco::Net::SocketAddress("127.0.0.1", 0));
    std::string url = "http://127.0.0.1:" + std::to_string(closed.address().port()) + "/x";
    closed.close();
    auto refused = MediaFetcher(allow_).fetch(url);
    CPPUNIT_ASSERT(refused.error && refused.error->http_status == 502);
    auto unresolvable = MediaFetcher(allow_).fetch("http://no-such-host.invalid/x.png");
    CPPUNIT_ASSERT(unresolvable.error && unresolvable.error->http_status == 502);
  }
  void redirectIsFollowedAndChecked() {
    auto r = MediaFetcher(allow_).fetch(server_.url("/redirect"));
    CPPUNIT_ASSERT_MESSAGE(r.error ? r.error->message : "", !r.error);
    CPPUNIT_ASSERT(r.media.bytes == rest_api_test::media_bytes());
  }
  void previewGetsAGeneratedName() {
    Poco::TemporaryFile dir;
    auto p = rest_api::MediaPreview::write(dir.path() + "/previews", "agent-1", "image/png", "PNGDATA");
    CPPUNIT_ASSERT_MESSAGE(p.error, !p.path.empty());
    CPPUNIT_ASSERT(p.path.rfind(dir.path() + "/previews/wabot-agent-1-", 0) == 0);
    CPPUNIT_ASSERT(p.path.size() > 4 && p.path.substr(p.path.size() - 4) == ".png");
    std::ifstream in(p.path, std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CPPUNIT_ASSERT_EQUAL(std::string("PNGDATA"), content);
    auto q = rest_api::MediaPreview::write(dir.path() + "/previews", "agent-1", "image/png", "x");
    CPPUNIT_ASSERT(q.path != p.path);
    Poco::File(dir.path()).remove(true);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MediaTest);
