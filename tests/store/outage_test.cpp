// SPDX-License-Identifier: GPL-3.0-or-later
// PostgreSQL going away and coming back, on a private throwaway cluster: calls fail fast with
// `unavailable` (what GET /health reports as degraded), nothing crashes or hangs, and the same
// Database works again once the server is back.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "host/store/schema.hpp"
#include "host/store/whatsapp_user_repository.hpp"

using namespace wabot::store;

namespace {

std::string script() {
  const char* src = std::getenv("WABOT_SOURCE_DIR");
  CPPUNIT_ASSERT_MESSAGE("WABOT_SOURCE_DIR is not set (run under ctest)", src != nullptr);
  return std::string(src) + "/tests/support/pg-cluster.sh";
}

void cluster(const std::string& action, const std::filesystem::path& dir) {
  std::string command = "'" + script() + "' " + action + " '" + dir.string() + "' >/dev/null";
  CPPUNIT_ASSERT_EQUAL_MESSAGE(command, 0, std::system(command.c_str()));
}

}  // namespace

class OutageTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(OutageTest);
  CPPUNIT_TEST(server_down_is_unavailable_and_recovery_needs_no_restart);
  CPPUNIT_TEST_SUITE_END();

  std::filesystem::path dir_;

 public:
  void setUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("wabot-outage-" + std::to_string(::getpid()));
    cluster("start", dir_);
  }
  void tearDown() override {
    std::string command = "'" + script() + "' stop '" + dir_.string() + "' >/dev/null";
    (void)std::system(command.c_str());
    std::filesystem::remove_all(dir_);
  }

  void server_down_is_unavailable_and_recovery_needs_no_restart() {
    std::ifstream in(dir_ / "url");
    std::string url;
    std::getline(in, url);
    auto opened = Database::open(url + "?connect_timeout=5");
    CPPUNIT_ASSERT_MESSAGE(opened ? "" : opened.error().message, opened.ok());
    Database& db = **opened;
    CPPUNIT_ASSERT(migrate(db).ok());
    WhatsappUserRepository users(db);
    CPPUNIT_ASSERT(users.upsert({"u", "bot", "Bot", std::nullopt, "https://x"}).ok());

    cluster("pause", dir_);
    auto started = std::chrono::steady_clock::now();
    // The pooled connection is dead: the first calls fail, every later one fails at the ping.
    for (int i = 0; i < 3; ++i) {
      auto health = db.healthy();
      CPPUNIT_ASSERT(!health.ok());
      CPPUNIT_ASSERT_MESSAGE(health.error().message, health.error().code == ErrorCode::unavailable);
      auto row = users.get("bot");
      CPPUNIT_ASSERT(!row.ok());
    }
    CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));

    cluster("resume", dir_);
    // Dead pooled connections are dropped on failure; a bounded number of calls gets a fresh one.
    bool recovered = false;
    for (int i = 0; i < 5 && !recovered; ++i) recovered = db.healthy().ok();
    CPPUNIT_ASSERT(recovered);
    auto row = users.get("bot");
    CPPUNIT_ASSERT_MESSAGE(row ? "" : row.error().message, row.ok());
    CPPUNIT_ASSERT(row->has_value());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OutageTest);
