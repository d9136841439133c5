// SPDX-License-Identifier: GPL-3.0-or-later
// TempSweeper: deletes old regular files directly inside one directory, never following symlinks.
#include "temp_sweeper.hpp"

#include <system_error>

namespace cleanup {

namespace fs = std::filesystem;

namespace {
void note(SweepResult& r, std::string message) {
  if (r.errors.size() < TempSweeper::max_errors) r.errors.push_back(std::move(message));
}
}  // namespace

SweepResult TempSweeper::sweep(fs::file_time_type now) const {
  SweepResult r;
  std::error_code ec;
  fs::directory_iterator it(dir_, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    note(r, "failed to open " + dir_.string() + ": " + ec.message());
    return r;
  }
  const auto cutoff = now - max_age_;
  for (const fs::directory_iterator end; it != end; it.increment(ec)) {
    if (ec) {
      note(r, "failed to list " + dir_.string() + ": " + ec.message());
      break;
    }
    const fs::path path = it->path();
    // symlink_status: the link itself, never its target.
    fs::file_status st = fs::symlink_status(path, ec);
    if (ec || !fs::is_regular_file(st)) {
      ++r.skipped_entries;
      ec.clear();
      continue;
    }
    fs::file_time_type mtime = fs::last_write_time(path, ec);
    if (ec) {
      note(r, "failed to read the age of " + path.string() + ": " + ec.message());
      ec.clear();
      continue;
    }
    if (mtime > cutoff) {
      ++r.kept_files;
      continue;
    }
    uintmax_t size = fs::file_size(path, ec);
    if (ec) { size = 0; ec.clear(); }
    if (!fs::remove(path, ec) || ec) {
      note(r, "failed to remove " + path.string() + ": " + (ec ? ec.message() : std::string("already gone")));
      ec.clear();
      continue;
    }
    ++r.removed_files;
    r.removed_bytes += size;
  }
  return r;
}

}  // namespace cleanup
