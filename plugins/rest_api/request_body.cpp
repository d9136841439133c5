// SPDX-License-Identifier: GPL-3.0-or-later
// RequestBody over Poco::JSON; every parse error becomes a value, never an exception out of here.
#include "request_body.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace rest_api {

std::optional<RequestBody> RequestBody::parse(std::string_view body, std::optional<ApiError>& error) {
  if (body.empty()) {
    error = ApiError::invalid("request body must be a JSON object");
    return std::nullopt;
  }
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var root = parser.parse(std::string(body));
    if (root.type() != typeid(Poco::JSON::Object::Ptr)) {
      error = ApiError::invalid("request body must be a JSON object");
      return std::nullopt;
    }
    return RequestBody(root.extract<Poco::JSON::Object::Ptr>());
  } catch (const Poco::Exception& e) {
    error = ApiError::invalid("request body is not valid JSON: " + e.message());
  } catch (const std::exception& e) {
    error = ApiError::invalid(std::string("request body is not valid JSON: ") + e.what());
  }
  return std::nullopt;
}

bool RequestBody::has(const std::string& name) const { return object_->has(name) && !object_->isNull(name); }

std::optional<std::string> RequestBody::string(const std::string& name, bool required, size_t max_chars,
                                               std::optional<ApiError>& error) const {
  if (!has(name)) {
    if (required) error = ApiError::invalid("'" + name + "' is required", name);
    return std::nullopt;
  }
  Poco::Dynamic::Var v = object_->get(name);
  if (!v.isString()) {
    error = ApiError::invalid("'" + name + "' must be a string", name);
    return std::nullopt;
  }
  std::string s = v.extract<std::string>();
  if (required && s.empty()) {
    error = ApiError::invalid("'" + name + "' must not be empty", name);
    return std::nullopt;
  }
  if (s.size() > max_chars) {
    error = ApiError::invalid("'" + name + "' is longer than " + std::to_string(max_chars) + " bytes", name);
    return std::nullopt;
  }
  return s;
}

std::optional<bool> RequestBody::boolean(const std::string& name, std::optional<ApiError>& error) const {
  if (!has(name)) return std::nullopt;
  Poco::Dynamic::Var v = object_->get(name);
  if (v.type() != typeid(bool)) {
    error = ApiError::invalid("'" + name + "' must be a boolean", name);
    return std::nullopt;
  }
  return v.extract<bool>();
}

std::optional<std::vector<std::string>> RequestBody::strings(const std::string& name, size_t max_items,
                                                             std::optional<ApiError>& error) const {
  if (!has(name)) return std::nullopt;
  Poco::JSON::Array::Ptr array = object_->getArray(name);
  if (!array) {
    error = ApiError::invalid("'" + name + "' must be an array of strings", name);
    return std::nullopt;
  }
  if (array->size() > max_items) {
    error = ApiError::invalid("'" + name + "' has more than " + std::to_string(max_items) + " items", name);
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < array->size(); ++i) {
    Poco::Dynamic::Var v = array->get(static_cast<unsigned>(i));
    if (!v.isString()) {
      error = ApiError::invalid("'" + name + "' must be an array of strings", name);
      return std::nullopt;
    }
    out.push_back(v.extract<std::string>());
  }
  return out;
}

}  // namespace rest_api
