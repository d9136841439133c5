// SPDX-License-Identifier: GPL-3.0-or-later
// RequestBody: a parsed JSON object body with typed, validated field access (400 INVALID_PAYLOAD).
#pragma once

#include "api_error.hpp"

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rest_api {

class RequestBody {
 public:
  // nullopt and `error` set when the body is not a JSON object.
  static std::optional<RequestBody> parse(std::string_view body, std::optional<ApiError>& error);

  // A string field; absent or null → nullopt; another type, too long, or (required) missing/empty → error.
  std::optional<std::string> string(const std::string& name, bool required, size_t max_chars,
                                     std::optional<ApiError>& error) const;
  std::optional<bool> boolean(const std::string& name, std::optional<ApiError>& error) const;
  // An array of strings (at most max_items).
  std::optional<std::vector<std::string>> strings(const std::string& name, size_t max_items,
                                                  std::optional<ApiError>& error) const;
  bool has(const std::string& name) const;

 private:
  explicit RequestBody(Poco::JSON::Object::Ptr object) : object_(std::move(object)) {}
  Poco::JSON::Object::Ptr object_;
};

}  // namespace rest_api
