// SPDX-License-Identifier: GPL-3.0-or-later
// OpenApiChecker: a deliberately small validator; an unknown schema keyword is an error so the
// document cannot silently use more than the checker understands.
#include "openapi_checker.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <functional>
#include <set>

namespace rest_api_test {

namespace {
using Poco::JSON::Array;
using Poco::JSON::Object;

const std::set<std::string> known_keywords{"type", "nullable", "required", "properties", "items", "enum", "allOf", "$ref",
                                           "format", "description", "default", "minimum", "maximum", "pattern"};

bool is_object(const Poco::Dynamic::Var& v) { return v.type() == typeid(Object::Ptr); }
bool is_array(const Poco::Dynamic::Var& v) { return v.type() == typeid(Array::Ptr); }
}  // namespace

OpenApiChecker::OpenApiChecker(const std::string& document_json)
    : document_(Poco::JSON::Parser().parse(document_json).extract<Object::Ptr>()) {}

Object::Ptr OpenApiChecker::resolve(const Object::Ptr& schema) const {
  Object::Ptr s = schema;
  for (int depth = 0; s && s->has("$ref") && depth < 16; ++depth) {
    std::string ref = s->getValue<std::string>("$ref");
    const std::string prefix = "#/components/schemas/";
    if (ref.rfind(prefix, 0) != 0) return nullptr;
    s = document_->getObject("components")->getObject("schemas")->getObject(ref.substr(prefix.size()));
  }
  return s;
}

std::string OpenApiChecker::validate(const Poco::Dynamic::Var& value, const Object::Ptr& raw, const std::string& where) const {
  Object::Ptr schema = resolve(raw);
  if (!schema) return where + ": unresolvable $ref";
  for (const auto& [key, unused] : *schema)
    if (!known_keywords.count(key)) return where + ": schema keyword '" + key + "' is not supported by the checker";
  if (value.isEmpty()) {
    if (schema->has("nullable") && schema->getValue<bool>("nullable")) return "";
    return where + ": null where the schema does not allow it";
  }
  if (schema->has("allOf")) {
    Array::Ptr all = schema->getArray("allOf");
    for (size_t i = 0; i < all->size(); ++i) {
      std::string e = validate(value, all->getObject(static_cast<unsigned>(i)), where);
      if (!e.empty()) return e;
    }
  }
  if (schema->has("type")) {
    std::string type = schema->getValue<std::string>("type");
    bool ok = (type == "object" && is_object(value)) || (type == "array" && is_array(value)) ||
              (type == "string" && value.isString()) || (type == "boolean" && value.type() == typeid(bool)) ||
              (type == "integer" && value.isInteger()) || (type == "number" && value.isNumeric());
    if (!ok) return where + ": expected " + type + ", got " + value.toString();
  }
  if (schema->has("enum")) {
    Array::Ptr values = schema->getArray("enum");
    bool found = false;
    for (size_t i = 0; i < values->size() && !found; ++i) found = values->get(static_cast<unsigned>(i)).toString() == value.toString();
    if (!found) return where + ": '" + value.toString() + "' is not in the enum";
  }
  if (is_object(value)) {
    Object::Ptr o = value.extract<Object::Ptr>();
    if (schema->has("required")) {
      Array::Ptr required = schema->getArray("required");
      for (size_t i = 0; i < required->size(); ++i) {
        std::string name = required->getElement<std::string>(static_cast<unsigned>(i));
        if (!o->has(name)) return where + ": missing required '" + name + "'";
      }
    }
    if (schema->has("properties")) {
      Object::Ptr props = schema->getObject("properties");
      for (const auto& [name, v] : *o) {
        if (!props->has(name)) continue;  // additional properties are allowed (OpenAPI default)
        std::string e = validate(v, props->getObject(name), where + "." + name);
        if (!e.empty()) return e;
      }
    }
  }
  if (is_array(value) && schema->has("items")) {
    Array::Ptr a = value.extract<Array::Ptr>();
    for (size_t i = 0; i < a->size(); ++i) {
      std::string e = validate(a->get(static_cast<unsigned>(i)), schema->getObject("items"), where + "[" + std::to_string(i) + "]");
      if (!e.empty()) return e;
    }
  }
  return "";
}

std::string OpenApiChecker::check(const std::string& path, const std::string& method, int status, const std::string& body) const {
  Object::Ptr paths = document_->getObject("paths");
  if (!paths->has(path)) return "path " + path + " is not in the document";
  Object::Ptr item = paths->getObject(path);
  if (!item->has(method)) return method + " " + path + " is not in the document";
  Object::Ptr responses = item->getObject(method)->getObject("responses");
  std::string code = std::to_string(status);
  if (!responses->has(code)) return method + " " + path + " does not document status " + code;
  Object::Ptr response = responses->getObject(code);
  if (!response->has("content")) return body.empty() ? "" : "status " + code + " documents no body";
  Object::Ptr content = response->getObject("content");
  if (!content->has("application/json")) return "";  // text bodies (metrics) are not checked here
  Poco::Dynamic::Var parsed;
  try {
    parsed = Poco::JSON::Parser().parse(body);
  } catch (const Poco::Exception& e) {
    return "body is not JSON: " + e.displayText();
  }
  return validate(parsed, content->getObject("application/json")->getObject("schema"), method + " " + path + " " + code);
}

std::string OpenApiChecker::check_refs() const {
  std::string error;
  std::function<void(const Poco::Dynamic::Var&)> walk = [&](const Poco::Dynamic::Var& v) {
    if (!error.empty()) return;
    if (is_object(v)) {
      Object::Ptr o = v.extract<Object::Ptr>();
      if (o->has("$ref") && !resolve(o)) error = "unresolvable " + o->getValue<std::string>("$ref");
      for (const auto& [k, child] : *o) walk(child);
    } else if (is_array(v)) {
      Array::Ptr a = v.extract<Array::Ptr>();
      for (size_t i = 0; i < a->size(); ++i) walk(a->get(static_cast<unsigned>(i)));
    }
  };
  walk(Poco::Dynamic::Var(document_));
  return error;
}

}  // namespace rest_api_test
