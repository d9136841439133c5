// SPDX-License-Identifier: GPL-3.0-or-later
// Route table: (method, pattern) → handler, matched segment by segment.
#include "host/http/router.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>

namespace wabot::http {

struct Router::Route {
  std::string method;
  std::string pattern;
  std::string owner;
  Handler handler;
  std::vector<std::string> segments;  // literal text, or the parameter name when is_param
  std::vector<bool> is_param;
};

namespace {

// "/a/b" → {"a","b"}; "/" → {}. Keeps empty segments ("/a//b" → {"a","","b"}).
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  if (path.empty()) return out;
  std::size_t start = 0;
  while (true) {
    std::size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool is_method(std::string_view m) {
  if (m.empty() || m.size() > 16) return false;
  return std::all_of(m.begin(), m.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_param_name(std::string_view n) {
  if (n.empty() || n.size() > 64 || std::isdigit(static_cast<unsigned char>(n.front()))) return false;
  return std::all_of(n.begin(), n.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool is_literal_segment(std::string_view s) {
  if (s.empty()) return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    return c == '{' || c == '}' || c == '?' || c == '#' || static_cast<unsigned char>(c) <= 0x20;
  });
}

// Whether `route` matches the split path; fills params when it does.
bool matches(const Router::Route& route, const std::vector<std::string_view>& parts,
             std::map<std::string, std::string>* params) {
  if (route.segments.size() != parts.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (route.is_param[i]) {
      if (parts[i].empty()) return false;
    } else if (route.segments[i] != parts[i]) {
      return false;
    }
  }
  if (params) {
    for (std::size_t i = 0; i < parts.size(); ++i)
      if (route.is_param[i]) (*params)[route.segments[i]] = std::string(parts[i]);
  }
  return true;
}

// True when a is more specific than b: at the first position where they differ in kind, a is literal.
bool more_specific(const Router::Route& a, const Router::Route& b) {
  for (std::size_t i = 0; i < a.is_param.size() && i < b.is_param.size(); ++i) {
    if (a.is_param[i] != b.is_param[i]) return !a.is_param[i];
  }
  return false;
}

}  // namespace

Router::AddResult Router::add(std::string method, std::string pattern, Handler handler, std::string owner) {
  if (!is_method(method) || !handler || pattern.empty() || pattern.front() != '/' || pattern.size() > 1024)
    return AddResult::invalid_pattern;
  auto route = std::make_shared<Route>();
  std::set<std::string_view> names;
  for (std::string_view seg : split_path(pattern)) {
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      std::string_view name = seg.substr(1, seg.size() - 2);
      if (!is_param_name(name) || !names.insert(name).second) return AddResult::invalid_pattern;
      route->segments.emplace_back(name);
      route->is_param.push_back(true);
    } else {
      if (!is_literal_segment(seg)) return AddResult::invalid_pattern;
      route->segments.emplace_back(seg);
      route->is_param.push_back(false);
    }
  }
  route->method = std::move(method);
  route->pattern = std::move(pattern);
  route->owner = std::move(owner);
  route->handler = std::move(handler);

  std::unique_lock lock(mutex_);
  for (const auto& r : routes_) {
    // Same method and the same shape ("/a/{x}" and "/a/{y}" are the same route) is a duplicate.
    if (r->method == route->method && r->is_param == route->is_param) {
      bool same = true;
      for (std::size_t i = 0; i < r->segments.size() && same; ++i)
        same = r->is_param[i] || r->segments[i] == route->segments[i];
      if (same) return AddResult::duplicate;
    }
  }
  routes_.push_back(std::move(route));
  return AddResult::ok;
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  auto parts = split_path(path);
  if (path.empty() || path.front() != '/') return result;

  std::shared_lock lock(mutex_);
  const Route* best = nullptr;
  std::set<std::string> allowed;
  for (const auto& r : routes_) {
    if (!matches(*r, parts, nullptr)) continue;
    allowed.insert(r->method);
    if (r->method == method && (!best || more_specific(*r, *best))) best = r.get();
  }
  if (best) {
    result.kind = MatchKind::found;
    result.handler = best->handler;
    result.pattern = best->pattern;
    result.owner = best->owner;
    matches(*best, parts, &result.path_params);
  } else if (!allowed.empty()) {
    result.kind = MatchKind::method_not_allowed;
    result.allowed_methods.assign(allowed.begin(), allowed.end());
  }
  return result;
}

std::vector<Router::RouteInfo> Router::routes() const {
  std::shared_lock lock(mutex_);
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.push_back({r->method, r->pattern, r->owner});
  return out;
}

}  // namespace wabot::http
