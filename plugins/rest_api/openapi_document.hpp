// SPDX-License-Identifier: GPL-3.0-or-later
// The OpenAPI 3 document of the whole API (plugins/rest_api/openapi.json, compiled in), for GET /openapi.json.
#pragma once

#include <string_view>

namespace rest_api {

std::string_view openapi_document();

}  // namespace rest_api
