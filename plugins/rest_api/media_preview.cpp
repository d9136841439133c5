// SPDX-License-Identifier: GPL-3.0-or-later
// MediaPreview: generated names only (agentId is already [A-Za-z0-9._-]), created exclusively so an
// existing file is never overwritten.
#include "media_preview.hpp"

#include "mime_types.hpp"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/RandomStream.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rest_api {

namespace {
std::string random_hex(size_t bytes) {
  static const char digits[] = "0123456789abcdef";
  Poco::RandomInputStream random;
  std::string out;
  for (size_t i = 0; i < bytes; ++i) {
    auto b = static_cast<unsigned char>(random.get());
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}
}  // namespace

MediaPreview MediaPreview::write(const std::string& temp_dir, std::string_view agent_id, std::string_view mime_type,
                                 std::string_view bytes) {
  MediaPreview out;
  if (temp_dir.empty()) {
    out.error = "media.temp_dir is not set";
    return out;
  }
  try {
    Poco::File(temp_dir).createDirectories();
  } catch (const Poco::Exception& e) {
    out.error = "failed to create media.temp_dir " + temp_dir + ": " + e.displayText();
    return out;
  }
  Poco::Path path(temp_dir);
  path.makeDirectory();
  path.setFileName("wabot-" + std::string(agent_id) + "-" + random_hex(8) + "." + extension_for_mime(mime_type));
  std::string file = path.toString();
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    out.error = "failed to create preview " + file + ": " + std::strerror(errno);
    return out;
  }
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      out.error = "failed to write preview " + file + ": " + std::strerror(errno);
      ::close(fd);
      ::unlink(file.c_str());
      return out;
    }
    written += static_cast<size_t>(n);
  }
  ::close(fd);
  out.path = file;
  return out;
}

}  // namespace rest_api
