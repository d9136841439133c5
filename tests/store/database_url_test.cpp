// SPDX-License-Identifier: GPL-3.0-or-later
// DB_URL parsing: every accepted form, the libpq conninfo it becomes, and clear errors that never
// contain the password.
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "host/store/database.hpp"
#include "host/store/database_url.hpp"

using namespace wabot::store;

class DatabaseUrlTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DatabaseUrlTest);
  CPPUNIT_TEST(sqlite_relative_path);
  CPPUNIT_TEST(sqlite_absolute_path);
  CPPUNIT_TEST(sqlite_without_path_is_an_error);
  CPPUNIT_TEST(postgres_full_url_becomes_quoted_conninfo);
  CPPUNIT_TEST(postgresql_scheme_and_defaults);
  CPPUNIT_TEST(percent_decoding_of_every_part);
  CPPUNIT_TEST(spaces_are_refused_without_echoing_the_password);
  CPPUNIT_TEST(ipv6_host);
  CPPUNIT_TEST(password_never_in_redacted_or_errors);
  CPPUNIT_TEST(password_in_query_is_redacted);
  CPPUNIT_TEST(unsupported_and_malformed_urls_are_errors);
  CPPUNIT_TEST(connection_failure_error_hides_password);
  CPPUNIT_TEST_SUITE_END();

 public:
  void sqlite_relative_path() {
    auto u = parse_database_url("sqlite://data/wabot.db");
    CPPUNIT_ASSERT_MESSAGE(u ? "" : u.error().message, u.ok());
    CPPUNIT_ASSERT(u->dialect == Dialect::sqlite);
    CPPUNIT_ASSERT_EQUAL(std::string("data/wabot.db"), u->sqlite_path);
  }

  void sqlite_absolute_path() {
    auto u = parse_database_url("SQLite:///var/lib/wabot/my%20bot.db");
    CPPUNIT_ASSERT(u.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("/var/lib/wabot/my bot.db"), u->sqlite_path);
  }

  void sqlite_without_path_is_an_error() {
    auto u = parse_database_url("sqlite://");
    CPPUNIT_ASSERT(!u.ok());
    CPPUNIT_ASSERT(u.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(u.error().message.find("no file path") != std::string::npos);
    CPPUNIT_ASSERT(!parse_database_url("sqlite:///").ok());
    CPPUNIT_ASSERT(!parse_database_url("sqlite://x.db?mode=ro").ok());
  }

  void postgres_full_url_becomes_quoted_conninfo() {
    auto u = parse_database_url("postgres://bot:s3cret@db.example:6543/wabot?sslmode=require&connect_timeout=5");
    CPPUNIT_ASSERT_MESSAGE(u ? "" : u.error().message, u.ok());
    CPPUNIT_ASSERT(u->dialect == Dialect::postgres);
    CPPUNIT_ASSERT_EQUAL(std::string("host='db.example' port='6543' user='bot' password='s3cret' dbname='wabot' "
                                     "sslmode='require' connect_timeout='5'"),
                         u->postgres_conninfo);
    CPPUNIT_ASSERT_EQUAL(std::string("s3cret"), u->postgres_password);
    CPPUNIT_ASSERT_EQUAL(std::string("postgres://bot:***@db.example:6543/wabot?sslmode=require&connect_timeout=5"),
                         u->redacted);
  }

  void postgresql_scheme_and_defaults() {
    auto u = parse_database_url("postgresql://localhost/wabot");
    CPPUNIT_ASSERT(u.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("host='localhost' dbname='wabot'"), u->postgres_conninfo);
    CPPUNIT_ASSERT(u->postgres_password.empty());
    auto bare = parse_database_url("postgres://");
    CPPUNIT_ASSERT(bare.ok());
    CPPUNIT_ASSERT_EQUAL(std::string(""), bare->postgres_conninfo);
  }

  void percent_decoding_of_every_part() {
    // A password with troublesome characters: @ : / ' \ &.
    auto u = parse_database_url("postgres://us%40er:p%40ss%3Aw%2Fo%27r%5Cd%26x@%2Fvar%2Frun%2Fpostgresql/my%2Ddb");
    CPPUNIT_ASSERT_MESSAGE(u ? "" : u.error().message, u.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("host='/var/run/postgresql' user='us@er' password='p@ss:w/o\\'r\\\\d&x' "
                                     "dbname='my-db'"),
                         u->postgres_conninfo);
    CPPUNIT_ASSERT_EQUAL(std::string("p@ss:w/o'r\\d&x"), u->postgres_password);
  }

  void spaces_are_refused_without_echoing_the_password() {
    // Poco 1.11 cannot pass a value with a space to libpq: refused up front, not at connect time.
    auto u = parse_database_url("postgres://u:secret%20pass@h/db");
    CPPUNIT_ASSERT(!u.ok());
    CPPUNIT_ASSERT_MESSAGE(u.error().message, u.error().message.find("spaces") != std::string::npos);
    CPPUNIT_ASSERT(u.error().message.find("secret") == std::string::npos);
    CPPUNIT_ASSERT(!parse_database_url("postgres://u@h/my%20db").ok());
    CPPUNIT_ASSERT(!parse_database_url("postgres://u@h/db?application_name=a%20b").ok());
  }

  void ipv6_host() {
    auto u = parse_database_url("postgres://u@[::1]:5433/d");
    CPPUNIT_ASSERT(u.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("host='::1' port='5433' user='u' dbname='d'"), u->postgres_conninfo);
    CPPUNIT_ASSERT(!parse_database_url("postgres://u@[::1/d").ok());
  }

  void password_never_in_redacted_or_errors() {
    const std::string secret = "Tr0ub4dor&3xyz";
    const std::string bad[] = {
        "postgres://u:" + secret + "@host:notaport/db",
        "postgres://u:" + secret + "@host/db?bad key=1",
        "postgres://u:" + secret + "@host/db?novalue",
        "postgres://u:" + secret + "@host/d%zzb",
        "postgres://u:" + secret + "@host/db#frag",
        "postgres://u:" + secret + "@host/a/b",
        "mysql://u:" + secret + "@host/db",
        "u:" + secret + "@host/db",
    };
    for (const std::string& url : bad) {
      auto u = parse_database_url(url);
      CPPUNIT_ASSERT_MESSAGE(url, !u.ok());
      CPPUNIT_ASSERT_MESSAGE(u.error().message, u.error().message.find(secret) == std::string::npos);
      CPPUNIT_ASSERT_MESSAGE(u.error().message, u.error().message.find("Tr0ub") == std::string::npos);
    }
    auto ok = parse_database_url("postgres://u:" + secret + "@host/db");
    CPPUNIT_ASSERT(ok.ok());
    CPPUNIT_ASSERT(ok->redacted.find(secret) == std::string::npos);
  }

  void password_in_query_is_redacted() {
    auto u = parse_database_url("postgres://u@h/db?password=hunter2&sslmode=disable");
    CPPUNIT_ASSERT(u.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("hunter2"), u->postgres_password);
    CPPUNIT_ASSERT_EQUAL(std::string("postgres://u@h/db?password=***&sslmode=disable"), u->redacted);
  }

  void unsupported_and_malformed_urls_are_errors() {
    auto mysql = parse_database_url("mysql://h/db");
    CPPUNIT_ASSERT(!mysql.ok());
    CPPUNIT_ASSERT(mysql.error().message.find("unsupported scheme 'mysql'") != std::string::npos);
    CPPUNIT_ASSERT(!parse_database_url("").ok());
    CPPUNIT_ASSERT(!parse_database_url("://x").ok());
    CPPUNIT_ASSERT(!parse_database_url("/just/a/path.db").ok());
    CPPUNIT_ASSERT(!parse_database_url("postgres://h/db%00x").ok());  // NUL would truncate the conninfo
    CPPUNIT_ASSERT(!parse_database_url("postgres://h/db%4").ok());
    CPPUNIT_ASSERT(!parse_database_url(std::string(5000, 'a')).ok());
    auto open = Database::open("redis://h");
    CPPUNIT_ASSERT(!open.ok());
    CPPUNIT_ASSERT(open.error().code == ErrorCode::invalid_argument);
  }

  void connection_failure_error_hides_password() {
    // Port 1 on loopback refuses at once; the error must name the redacted URL only.
    const std::string secret = "VerySecretPassw0rd";
    auto db = Database::open("postgres://bot:" + secret + "@127.0.0.1:1/wabot?connect_timeout=2");
    CPPUNIT_ASSERT(!db.ok());
    CPPUNIT_ASSERT(db.error().code == ErrorCode::unavailable);
    CPPUNIT_ASSERT_MESSAGE(db.error().message, db.error().message.find(secret) == std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(db.error().message,
                           db.error().message.find("postgres://bot:***@127.0.0.1:1/wabot") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DatabaseUrlTest);
