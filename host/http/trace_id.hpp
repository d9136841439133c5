// SPDX-License-Identifier: GPL-3.0-or-later
// X-Trace-Id rules: which client-supplied ids are honoured, and how new ones are made.
#pragma once

#include <string>
#include <string_view>

namespace wabot::http {

// 1-128 characters of [A-Za-z0-9._-] (docs/api.md, Envelope).
bool is_valid_trace_id(std::string_view id);

// A fresh random id (32 lowercase hex characters), valid by is_valid_trace_id.
std::string generate_trace_id();

}  // namespace wabot::http
