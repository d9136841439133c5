// SPDX-License-Identifier: GPL-3.0-or-later
// MIME type ↔ file-name extension, for media whose body and headers say nothing about the type.
#pragma once

#include <string>
#include <string_view>

namespace rest_api {

// "photo.JPG" → "image/jpeg"; empty when the extension is unknown.
std::string mime_from_file_name(std::string_view file_name);
// "image/jpeg" → "jpg"; "bin" when unknown. Only [a-z0-9] ever comes back (safe in a path).
std::string extension_for_mime(std::string_view mime_type);

}  // namespace rest_api
