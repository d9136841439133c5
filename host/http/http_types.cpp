// SPDX-License-Identifier: GPL-3.0-or-later
// The JSON error envelope of docs/api.md.
#include "host/http/http_types.hpp"

#include "host/common/log.hpp"

namespace wabot::http {

std::string error_body(std::string_view code, std::string_view message, std::string_view trace_id,
                       std::string_view details_json) {
  std::string out;
  out.reserve(64 + code.size() + message.size() + trace_id.size() + details_json.size());
  out += "{\"error\":{\"code\":\"";
  log::append_json_escaped(out, code);
  out += "\",\"message\":\"";
  log::append_json_escaped(out, message);
  out += "\",\"traceId\":\"";
  log::append_json_escaped(out, trace_id);
  out += '"';
  if (!details_json.empty()) {
    out += ",\"details\":";
    out += details_json;  // the caller's JSON object text, as documented
  }
  out += "}}";
  return out;
}

}  // namespace wabot::http
