// SPDX-License-Identifier: GPL-3.0-or-later
// A small fixed table: WhatsApp only distinguishes image/video/audio/document, so the common types do.
#include "mime_types.hpp"

#include <array>
#include <utility>

namespace rest_api {

namespace {
constexpr std::array<std::pair<std::string_view, std::string_view>, 20> table{{
    {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"}, {"png", "image/png"}, {"gif", "image/gif"},
    {"webp", "image/webp"}, {"mp4", "video/mp4"}, {"3gp", "video/3gpp"}, {"mov", "video/quicktime"},
    {"mp3", "audio/mpeg"}, {"ogg", "audio/ogg"}, {"opus", "audio/ogg"}, {"m4a", "audio/mp4"},
    {"aac", "audio/aac"}, {"wav", "audio/wav"}, {"pdf", "application/pdf"}, {"txt", "text/plain"},
    {"csv", "text/csv"}, {"zip", "application/zip"}, {"json", "application/json"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
}};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}
}  // namespace

std::string mime_from_file_name(std::string_view file_name) {
  size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return {};
  std::string ext = lower(file_name.substr(dot + 1));
  for (const auto& [e, m] : table)
    if (e == ext) return std::string(m);
  return {};
}

std::string extension_for_mime(std::string_view mime_type) {
  std::string m = lower(mime_type);
  for (const auto& [e, t] : table)
    if (t == m) return std::string(e);
  return "bin";
}

}  // namespace rest_api
