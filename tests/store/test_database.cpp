// SPDX-License-Identifier: GPL-3.0-or-later
// TestDatabase: temp-dir SQLite files and throwaway PostgreSQL databases, dropped after each test.
#include "test_database.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>

#include "host/store/schema.hpp"

namespace wabot::store::test {
namespace {

std::atomic<int> counter{0};

std::string unique_suffix() {
  std::random_device rd;
  return std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1)) + "_" + std::to_string(rd() % 100000);
}

std::unique_ptr<Database> must_open(const std::string& url) {
  auto db = Database::open(url);
  if (!db) throw std::runtime_error("cannot open test database " + url + ": " + db.error().message);
  return std::move(db).value();
}

}  // namespace

std::string postgres_admin_url() {
  const char* file = std::getenv("WABOT_TEST_PG_CONNINFO_FILE");
  if (!file || !*file)
    throw std::runtime_error("WABOT_TEST_PG_CONNINFO_FILE is not set: run under ctest (fixture `postgres`)");
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line)) throw std::runtime_error(std::string("cannot read ") + file);
  // The fixture writes plain `key=value` pairs without quoting.
  std::map<std::string, std::string> kv;
  std::istringstream words(line);
  for (std::string word; words >> word;) {
    auto eq = word.find('=');
    if (eq != std::string::npos) kv[word.substr(0, eq)] = word.substr(eq + 1);
  }
  return "postgres://" + kv["user"] + "@" + kv["host"] + ":" + kv["port"] + "/" + kv["dbname"];
}

std::unique_ptr<TestDatabase> TestDatabase::create(Backend backend, bool migrated) {
  std::unique_ptr<TestDatabase> t(new TestDatabase());
  t->backend_ = backend;
  if (backend == Backend::sqlite) {
    t->temp_dir_ = std::filesystem::temp_directory_path() / ("wabot-store-test-" + unique_suffix());
    // A nested path: opening must create the parent directories.
    t->url_ = "sqlite://" + (t->temp_dir_ / "nested" / "wabot.db").string();
  } else {
    std::string admin = postgres_admin_url();
    t->pg_database_ = "wabot_test_" + unique_suffix();
    auto admin_db = must_open(admin);
    auto made = admin_db->with_connection(
        [&](Connection& c) { return c.execute("CREATE DATABASE " + t->pg_database_); });
    if (!made) throw std::runtime_error("cannot create a test database: " + made.error().message);
    t->url_ = admin.substr(0, admin.rfind('/') + 1) + t->pg_database_;
  }
  t->db_ = must_open(t->url_);
  if (migrated) {
    auto report = migrate(*t->db_);
    if (!report) throw std::runtime_error("migrations failed: " + report.error().message);
  }
  return t;
}

void TestDatabase::reopen() { db_ = must_open(url_); }

void TestDatabase::exec(const std::string& sql) {
  auto done = db_->with_connection([&](Connection& c) { return c.execute(sql); });
  if (!done) throw std::runtime_error("fixture SQL failed: " + done.error().message);
}

TestDatabase::~TestDatabase() {
  db_.reset();
  std::error_code ec;
  if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_, ec);
  if (!pg_database_.empty()) {
    try {
      auto admin = Database::open(postgres_admin_url());
      if (admin) {
        auto dropped = (*admin)->with_connection([&](Connection& c) {
          return c.execute("DROP DATABASE IF EXISTS " + pg_database_ + " WITH (FORCE)");
        });
        (void)dropped;  // the cluster is thrown away after the run anyway
      }
    } catch (...) {
      // Destructors must not throw; a leftover database dies with the throwaway cluster.
    }
  }
}

}  // namespace wabot::store::test
