// SPDX-License-Identifier: GPL-3.0-or-later
// DB_URL parsing: scheme dispatch, percent-decoding, libpq conninfo quoting, password redaction.
#include "host/store/database_url.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace wabot::store {
namespace {

// Longer URLs are refused outright: nothing legitimate is this long, and it bounds all work below.
constexpr std::size_t kMaxUrlBytes = 4096;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int hi = hex_value(text[i + 1]);
    int lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    char c = static_cast<char>(hi * 16 + lo);
    if (c == '\0') return std::nullopt;  // a NUL would end the C string libpq sees
    out.push_back(c);
    i += 2;
  }
  return out;
}

// Poco 1.11's PostgreSQL connector splits the conninfo on spaces before libpq sees it, so a value
// with a space (even quoted) cannot be passed; such URLs are refused with a clear error.
bool has_space(std::string_view value) { return value.find(' ') != std::string_view::npos; }

// libpq conninfo value: always single-quoted, with \ and ' escaped.
void append_conninfo(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty()) out.push_back(' ');
  out.append(key);
  out.append("='");
  for (char c : value) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
}

bool is_keyword(std::string_view key) {
  return !key.empty() && key.size() <= 64 &&
         std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::islower(c) || c == '_'; });
}

Error bad_url(std::string_view why) {
  return make_error(ErrorCode::invalid_argument, "invalid database URL: " + std::string(why));
}

Result<DatabaseUrl> parse_sqlite(std::string_view rest, std::string_view original) {
  if (rest.find('?') != std::string_view::npos || rest.find('#') != std::string_view::npos)
    return bad_url("sqlite URLs take no query or fragment (" + std::string(original) + ")");
  auto path = percent_decode(rest);
  if (!path) return bad_url("bad percent-encoding in the sqlite path");
  if (path->empty() || *path == "/") return bad_url("the sqlite URL has no file path (expected sqlite://relative/file.db or sqlite:///absolute/file.db)");
  DatabaseUrl out;
  out.dialect = Dialect::sqlite;
  out.sqlite_path = *path;
  out.redacted = std::string(original);
  return out;
}

Result<DatabaseUrl> parse_postgres(std::string_view scheme, std::string_view rest) {
  // Split off the query first: '?' cannot appear unencoded in the parts before it.
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (rest.find('#') != std::string_view::npos) return bad_url("postgres URLs take no fragment");
  std::string_view authority = rest;
  std::string_view path;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }
  std::string_view userinfo;
  std::string_view hostport = authority;
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    userinfo = authority.substr(0, at);
    hostport = authority.substr(at + 1);
  }
  std::string_view user_enc = userinfo;
  std::string_view password_enc;
  bool has_password = false;
  if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
    user_enc = userinfo.substr(0, colon);
    password_enc = userinfo.substr(colon + 1);
    has_password = true;
  }
  std::string_view host_enc = hostport;
  std::string_view port;
  if (!hostport.empty() && hostport.front() == '[') {  // [IPv6]
    auto close = hostport.find(']');
    if (close == std::string_view::npos) return bad_url("unterminated [IPv6] host");
    host_enc = hostport.substr(1, close - 1);
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad_url("unexpected text after the [IPv6] host");
      port = after.substr(1);
    }
  } else if (auto colon = hostport.rfind(':'); colon != std::string_view::npos) {
    host_enc = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
  }
  if (!port.empty() && !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c) || c == ','; }))
    return bad_url("the port must be a number");

  auto user = percent_decode(user_enc);
  auto password = percent_decode(password_enc);
  auto host = percent_decode(host_enc);
  auto dbname = percent_decode(path);
  if (!user || !password || !host || !dbname) return bad_url("bad percent-encoding in the postgres URL");
  if (dbname->find('/') != std::string::npos) return bad_url("the database name must not contain '/'");
  if (has_space(*user) || has_space(*password) || has_space(*host) || has_space(*dbname))
    return bad_url("spaces in the user, password, host or database name are not supported by the PostgreSQL driver");

  DatabaseUrl out;
  out.dialect = Dialect::postgres;
  std::string conninfo;
  if (!host->empty()) append_conninfo(conninfo, "host", *host);
  if (!port.empty()) append_conninfo(conninfo, "port", port);
  if (!user->empty()) append_conninfo(conninfo, "user", *user);
  if (has_password) append_conninfo(conninfo, "password", *password);
  if (!dbname->empty()) append_conninfo(conninfo, "dbname", *dbname);

  std::string redacted_query;
  bool query_has_password = false;
  std::string query_password;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) return bad_url("query parameter without '=' in the postgres URL");
    auto key = percent_decode(pair.substr(0, eq));
    auto value = percent_decode(pair.substr(eq + 1));
    if (!key || !value) return bad_url("bad percent-encoding in the postgres URL query");
    if (!is_keyword(*key)) return bad_url("query parameter names must be libpq keywords such as sslmode");
    if (has_space(*value))
      return bad_url("spaces in query parameter values are not supported by the PostgreSQL driver");
    append_conninfo(conninfo, *key, *value);
    if (!redacted_query.empty()) redacted_query.push_back('&');
    if (*key == "password") {
      query_has_password = true;
      query_password = *value;
      redacted_query += "password=***";
    } else {
      redacted_query.append(pair);
    }
  }
  out.postgres_conninfo = std::move(conninfo);
  out.postgres_password = query_has_password ? query_password : *password;

  std::string redacted = std::string(scheme) + "://";
  if (!userinfo.empty()) {
    redacted.append(user_enc);
    if (has_password) redacted.append(":***");
    redacted.push_back('@');
  }
  redacted.append(hostport);
  if (!path.empty()) {
    redacted.push_back('/');
    redacted.append(path);
  }
  if (!redacted_query.empty()) {
    redacted.push_back('?');
    redacted.append(redacted_query);
  }
  out.redacted = std::move(redacted);
  return out;
}

}  // namespace

std::string_view dialect_name(Dialect dialect) {
  switch (dialect) {
    case Dialect::sqlite: return "sqlite";
    case Dialect::postgres: return "postgres";
    case Dialect::unset: break;
  }
  return "unset";
}

Result<DatabaseUrl> parse_database_url(std::string_view url) {
  if (url.size() > kMaxUrlBytes) return bad_url("longer than 4096 bytes");
  auto sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0 || sep > 16)
    return bad_url("expected sqlite://path, postgres://... or postgresql://...");
  std::string scheme = lower(url.substr(0, sep));
  std::string_view rest = url.substr(sep + 3);
  if (scheme == "sqlite") return parse_sqlite(rest, url);
  if (scheme == "postgres" || scheme == "postgresql") return parse_postgres(scheme, rest);
  if (!std::all_of(scheme.begin(), scheme.end(), [](unsigned char c) { return std::isalnum(c) || c == '+' || c == '-' || c == '.'; }))
    return bad_url("expected sqlite://path, postgres://... or postgresql://...");
  return bad_url("unsupported scheme '" + scheme + "' (expected sqlite, postgres or postgresql)");
}

}  // namespace wabot::store
