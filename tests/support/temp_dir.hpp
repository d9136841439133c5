// SPDX-License-Identifier: GPL-3.0-or-later
// TempDir: a fresh directory under the system temp folder, removed with everything in it at scope end.
#pragma once

#include <Poco/TemporaryFile.h>

#include <filesystem>
#include <string>

namespace wabot::test {

class TempDir {
 public:
  TempDir() : path_(Poco::TemporaryFile::tempName()) { std::filesystem::create_directories(path_); }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace wabot::test
