// SPDX-License-Identifier: GPL-3.0-or-later
// cleanup: old regular files in media.temp_dir go, young ones, symlinks (and their targets) and
// subdirectories stay; the sweep runs on the scheduler every interval and logs what it removed.
#include "temp_sweeper.hpp"

#include <wabot/testing/fake_host.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

extern "C" const wabot_plugin_descriptor* wabot_plugin_v1(void);

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("wabot-cleanup-test-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

fs::path write_file(const fs::path& p, std::string_view content, std::chrono::hours age) {
  std::ofstream(p, std::ios::binary) << content;
  fs::last_write_time(p, fs::file_time_type::clock::now() - age);
  return p;
}

std::string field(const wabot::testing::LogLine& l, std::string_view key) {
  for (const auto& [k, v] : l.fields)
    if (k == key) return v;
  return {};
}

}  // namespace

class CleanupPluginTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CleanupPluginTest);
  CPPUNIT_TEST(sweeperRemovesOnlyOldRegularFiles);
  CPPUNIT_TEST(sweeperReportsMissingDirectory);
  CPPUNIT_TEST(pluginSweepsEveryIntervalOnScheduler);
  CPPUNIT_TEST(startsWithDefaultsAndSharedTempDir);
  CPPUNIT_TEST(zeroIntervalFailsStart);
  CPPUNIT_TEST(refusesUndeclaredKey);
  CPPUNIT_TEST_SUITE_END();

 public:
  void sweeperRemovesOnlyOldRegularFiles() {
    TempDir dir, outside;
    fs::path old1 = write_file(dir.path / "old1.jpg", "12345", 25h);
    fs::path old2 = write_file(dir.path / "old2.pdf", "123", 48h);
    fs::path young = write_file(dir.path / "young.jpg", "x", 23h);
    fs::path target = write_file(outside.path / "target.bin", "t", 100h);
    fs::create_symlink(target, dir.path / "link-to-old");  // the link itself is old too
    fs::create_directory(dir.path / "sub");
    fs::path nested = write_file(dir.path / "sub" / "nested-old.jpg", "n", 100h);
    fs::last_write_time(dir.path / "sub", fs::file_time_type::clock::now() - 100h);

    cleanup::TempSweeper sweeper(dir.path, 24h);
    cleanup::SweepResult r = sweeper.sweep();
    CPPUNIT_ASSERT_EQUAL(uint64_t(2), r.removed_files);
    CPPUNIT_ASSERT_EQUAL(uint64_t(8), r.removed_bytes);
    CPPUNIT_ASSERT_EQUAL(uint64_t(1), r.kept_files);
    CPPUNIT_ASSERT_EQUAL(uint64_t(2), r.skipped_entries);
    CPPUNIT_ASSERT(r.errors.empty());
    CPPUNIT_ASSERT(!fs::exists(old1));
    CPPUNIT_ASSERT(!fs::exists(old2));
    CPPUNIT_ASSERT(fs::exists(young));
    CPPUNIT_ASSERT(fs::is_symlink(dir.path / "link-to-old"));
    CPPUNIT_ASSERT(fs::exists(target));
    CPPUNIT_ASSERT(fs::is_directory(dir.path / "sub"));
    CPPUNIT_ASSERT(fs::exists(nested));
  }

  void sweeperReportsMissingDirectory() {
    cleanup::TempSweeper sweeper("/nonexistent/wabot-cleanup", 24h);
    cleanup::SweepResult r = sweeper.sweep();
    CPPUNIT_ASSERT_EQUAL(uint64_t(0), r.removed_files);
    CPPUNIT_ASSERT_EQUAL(size_t(1), r.errors.size());
    CPPUNIT_ASSERT(r.errors[0].find("failed to open /nonexistent/wabot-cleanup") == 0);
  }

  void pluginSweepsEveryIntervalOnScheduler() {
    TempDir dir;
    wabot::testing::FakeHost host;
    host.set_shared("media.temp_dir", dir.path.string());
    host.set_config("interval", "10m");
    host.set_config("max_age", "1h");
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    CPPUNIT_ASSERT_EQUAL(size_t(1), host.timer_count());
    write_file(dir.path / "a.jpg", "aa", 2h);
    write_file(dir.path / "b.jpg", "b", 0h);

    host.advance_ms(9 * 60'000);  // not yet due
    CPPUNIT_ASSERT(fs::exists(dir.path / "a.jpg"));
    host.advance_ms(60'000);
    CPPUNIT_ASSERT(!fs::exists(dir.path / "a.jpg"));
    CPPUNIT_ASSERT(fs::exists(dir.path / "b.jpg"));
    const auto& line = host.logs.back();
    CPPUNIT_ASSERT_EQUAL(std::string("cleanup swept temp dir"), line.message);
    CPPUNIT_ASSERT_EQUAL(std::string("1"), field(line, "removedFiles"));
    CPPUNIT_ASSERT_EQUAL(std::string("2"), field(line, "removedBytes"));
    CPPUNIT_ASSERT_EQUAL(std::string("1"), field(line, "keptFiles"));

    write_file(dir.path / "c.jpg", "c", 3h);
    host.advance_ms(10 * 60'000);
    CPPUNIT_ASSERT(!fs::exists(dir.path / "c.jpg"));
    CPPUNIT_ASSERT_EQUAL(std::string("2"), field(host.logs.back(), "totalRemovedFiles"));
    CPPUNIT_ASSERT_EQUAL(uint64_t(2), host.timer_ticks());
    host.unload();
  }

  void startsWithDefaultsAndSharedTempDir() {
    TempDir dir;
    wabot::testing::FakeHost host;
    host.set_shared("media.temp_dir", dir.path.string());
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    CPPUNIT_ASSERT(host.logged("cleanup started"));
    const auto& l = host.logs.back();
    CPPUNIT_ASSERT_EQUAL(std::string("1800000"), field(l, "intervalMs"));
    CPPUNIT_ASSERT_EQUAL(std::string("86400000"), field(l, "maxAgeMs"));
    CPPUNIT_ASSERT_EQUAL(dir.path.string(), field(l, "tempDir"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), host.timer_count());
  }
  void zeroIntervalFailsStart() {
    wabot::testing::FakeHost host;
    host.set_config("interval", "0s");
    auto s = host.load(wabot_plugin_v1());
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_CONFIG, s.code());
    CPPUNIT_ASSERT(s.message().find("interval") != std::string::npos);
  }
  void refusesUndeclaredKey() {
    wabot::testing::FakeHost host;
    host.set_config("dir", "/tmp");
    CPPUNIT_ASSERT(!host.load(wabot_plugin_v1()).is_ok());
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(CleanupPluginTest);
