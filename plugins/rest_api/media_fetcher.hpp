// SPDX-License-Identifier: GPL-3.0-or-later
// MediaFetcher: downloads the `url` of POST /agents/{id}/media within media.max_bytes, refusing
// private/loopback/link-local addresses unless allowed (docs/api.md, Media).
#pragma once

#include "api_error.hpp"

#include <Poco/Net/IPAddress.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rest_api {

struct MediaFetchOptions {
  uint64_t max_bytes = 10'000'000;
  bool allow_private_urls = false;
  int64_t timeout_ms = 30'000;
  int max_redirects = 3;  // each hop is checked again
};

struct FetchedMedia {
  std::string bytes;
  std::string mime_type;  // from Content-Type, may be empty
  std::string file_name;  // from Content-Disposition, else the URL path, may be empty
};

struct MediaFetchResult {
  std::optional<ApiError> error;  // 400 refused URL, 413 too large, 502 fetch failure
  FetchedMedia media;
};

// Loopback, private (RFC 1918, CGNAT, unique-local), link-local, unspecified, multicast, and
// IPv4-mapped forms of those.
bool is_private_address(const Poco::Net::IPAddress& address);

// `filename` of a Content-Disposition value; empty when absent.
std::string content_disposition_file_name(std::string_view header);

class MediaFetcher {
 public:
  explicit MediaFetcher(MediaFetchOptions options) : options_(options) {}
  MediaFetchResult fetch(const std::string& url) const;

 private:
  MediaFetchOptions options_;
};

}  // namespace rest_api
