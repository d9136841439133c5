// SPDX-License-Identifier: GPL-3.0-or-later
// OpenApiChecker: validates a response body against plugins/rest_api/openapi.json, for the subset of
// JSON Schema the document uses (type, nullable, required, properties, items, enum, allOf, $ref).
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

namespace rest_api_test {

class OpenApiChecker {
 public:
  explicit OpenApiChecker(const std::string& document_json);
  // "" when `body` matches the schema of paths[path].method.responses[status]; otherwise what differs.
  std::string check(const std::string& path_pattern, const std::string& method, int status, const std::string& body) const;
  // "" when every $ref in the document resolves.
  std::string check_refs() const;

 private:
  std::string validate(const Poco::Dynamic::Var& value, const Poco::JSON::Object::Ptr& schema, const std::string& where) const;
  Poco::JSON::Object::Ptr resolve(const Poco::JSON::Object::Ptr& schema) const;
  Poco::JSON::Object::Ptr document_;
};

}  // namespace rest_api_test
