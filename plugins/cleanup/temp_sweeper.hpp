// SPDX-License-Identifier: GPL-3.0-or-later
// TempSweeper: one pass over media.temp_dir deleting regular files older than a maximum age.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cleanup {

struct SweepResult {
  uint64_t removed_files = 0;
  uint64_t removed_bytes = 0;
  uint64_t kept_files = 0;     // regular files still young enough
  uint64_t skipped_entries = 0;  // symlinks, directories and anything else that is never touched
  std::vector<std::string> errors;  // "failed to remove {path}: {cause}", at most max_errors kept
};

class TempSweeper {
 public:
  static constexpr size_t max_errors = 20;  // a broken directory must not grow the result without bound

  TempSweeper(std::filesystem::path dir, std::chrono::milliseconds max_age) : dir_(std::move(dir)), max_age_(max_age) {}

  // Looks only at entries directly inside the directory and never follows a symlink: a link to a file
  // elsewhere (or to a directory) is skipped, so the sweep can never delete outside temp_dir.
  SweepResult sweep(std::filesystem::file_time_type now) const;
  SweepResult sweep() const { return sweep(std::filesystem::file_time_type::clock::now()); }

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::chrono::milliseconds max_age_;
};

}  // namespace cleanup
