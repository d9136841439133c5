// SPDX-License-Identifier: GPL-3.0-or-later
// AiReply: the reply-parsing order of docs/api.md, with Poco::JSON.
#include "ai_reply.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <array>

namespace ai_forwarder {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

constexpr std::array<const char*, 5> reply_keys{"reply", "output", "response", "text", "message"};

std::optional<std::string> first_string(const Poco::JSON::Object& o) {
  for (const char* key : reply_keys) {
    Poco::Dynamic::Var v = o.get(key);
    if (v.isString()) {
      std::string s = v.extract<std::string>();
      if (!trim(s).empty()) return s;
    }
  }
  return std::nullopt;
}

}  // namespace

AiReply parse_ai_reply(std::string_view body) {
  AiReply out;
  std::string_view t = trim(body);
  if (t.empty()) {
    out.usable = true;
    return out;
  }
  if (t.front() != '{' && t.front() != '[' && t.front() != '"') {
    out.usable = true;
    out.reply = std::string(t);
    return out;
  }
  Poco::Dynamic::Var root;
  try {
    Poco::JSON::Parser parser;
    if (t.front() == '"') {
      // Poco 1.11 refuses a bare string as the root value: read it as the only element of an array.
      Poco::Dynamic::Var arr = parser.parse("[" + std::string(t) + "]");
      auto a = arr.extract<Poco::JSON::Array::Ptr>();
      if (!a || a->size() != 1) throw Poco::DataFormatException("not a single JSON string");
      root = a->get(0);
    } else {
      root = parser.parse(std::string(t));
    }
  } catch (const Poco::Exception& e) {
    out.problem = "the AI backend answered malformed JSON: " + e.message();
    return out;
  } catch (const std::exception& e) {
    out.problem = std::string("the AI backend answered malformed JSON: ") + e.what();
    return out;
  }
  if (root.isString()) {
    out.usable = true;
    std::string s = root.extract<std::string>();
    if (!trim(s).empty()) out.reply = std::move(s);
    return out;
  }
  if (root.type() != typeid(Poco::JSON::Object::Ptr)) {
    out.problem = "the AI backend answered JSON that is not an object";
    return out;
  }
  Poco::JSON::Object::Ptr obj = root.extract<Poco::JSON::Object::Ptr>();
  out.usable = true;
  if (auto r = first_string(*obj)) {
    out.reply = std::move(r);
    return out;
  }
  if (Poco::JSON::Object::Ptr data = obj->getObject("data")) out.reply = first_string(*data);
  return out;
}

}  // namespace ai_forwarder
