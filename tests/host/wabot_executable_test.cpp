// SPDX-License-Identifier: GPL-3.0-or-later
// The wabot executable as a process: --version, --help, --check-config (exit 0 / exit 2 with one line),
// --list-plugins, bad options, and a full start on a free port followed by SIGTERM/SIGINT and a
// clean, ordered exit 0.
#include <Poco/File.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Path.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <future>
#include <sys/wait.h>
#include <regex>
#include <thread>

namespace {

std::string wabot_path() {
  const char* dir = std::getenv("WABOT_BINARY_DIR");
  return std::string(dir ? dir : ".") + "/bin/wabot";
}

struct Run {
  int status = -1;
  std::string out, err;
};

// Runs wabot to completion (for the options that exit at once).
Run run(const std::vector<std::string>& args, const Poco::Process::Env& env = {}) {
  Poco::Pipe out_pipe, err_pipe;
  Poco::ProcessHandle handle = Poco::Process::launch(wabot_path(), args, ".", nullptr, &out_pipe, &err_pipe, env);
  Poco::PipeInputStream out(out_pipe), err(err_pipe);
  Run r;
  // both pipes are read concurrently so that neither can fill up and block the child
  auto err_text = std::async(std::launch::async, [&err] {
    std::string s;
    Poco::StreamCopier::copyToString(err, s);
    return s;
  });
  Poco::StreamCopier::copyToString(out, r.out);
  r.err = err_text.get();
  r.status = handle.wait();
  return r;
}

std::string write_temp(const std::string& text) {
  std::string path = Poco::TemporaryFile::tempName() + ".yaml";
  Poco::TemporaryFile::registerForDeletion(path);
  std::ofstream(path) << text;
  return path;
}

std::uint16_t free_port() {
  Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
  return probe.address().port();
}

bool port_accepts(std::uint16_t port) {
  try {
    Poco::Net::StreamSocket s;
    s.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(0, 200 * 1000));
    return true;
  } catch (const Poco::Exception&) {
    return false;
  }
}

// Polls until pred holds or the deadline passes: the process under test gives no other signal.
template <typename Pred>
bool wait_until(Pred pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

// The exit status of a launched wabot, waiting up to timeout; kills it and returns -1 on a hang.
int wait_exit(const Poco::ProcessHandle& handle, std::chrono::milliseconds timeout) {
  int status = -1;
  bool exited = wait_until([&] {
    int raw = 0;
    pid_t done = ::waitpid(handle.id(), &raw, WNOHANG);
    if (done == handle.id()) status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    return done == handle.id();
  }, timeout);
  if (!exited) {
    ::kill(handle.id(), SIGKILL);
    ::waitpid(handle.id(), nullptr, 0);
  }
  return status;
}

}  // namespace

class WabotExecutableTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(WabotExecutableTest);
  CPPUNIT_TEST(version_prints_the_project_version);
  CPPUNIT_TEST(help_lists_the_options);
  CPPUNIT_TEST(check_config_accepts_a_valid_file);
  CPPUNIT_TEST(check_config_with_bad_file_exits_2_with_one_line);
  CPPUNIT_TEST(check_config_with_bad_environment_exits_2_with_one_line);
  CPPUNIT_TEST(missing_config_file_exits_2);
  CPPUNIT_TEST(unknown_option_exits_2);
  CPPUNIT_TEST(list_plugins_prints_what_the_loader_made_of_each);
  CPPUNIT_TEST(serves_health_with_database_and_plugins);
  CPPUNIT_TEST(serves_until_sigterm_then_exits_0_in_order);
  CPPUNIT_TEST(sigint_also_stops_cleanly);
  CPPUNIT_TEST(busy_port_exits_1);
  CPPUNIT_TEST(unusable_database_exits_1_before_listening);
  CPPUNIT_TEST_SUITE_END();

  // Starts wabot on a free port, waits until it accepts connections, sends `signal`, and checks
  // the exit status and the stop sequence in its log.
  void serve_and_stop(int signal) {
    std::uint16_t port = free_port();
    std::string db = Poco::TemporaryFile::tempName() + ".db";
    Poco::TemporaryFile::registerForDeletion(db);
    std::string config = write_temp("http: {host: 127.0.0.1, port: " + std::to_string(port) +
                                    "}\nplugins: {load: []}\nlog: {level: info}\ndatabase: {url: 'sqlite://" + db +
                                    "'}\n");
    Poco::Pipe err_pipe;
    Poco::ProcessHandle handle =
        Poco::Process::launch(wabot_path(), {"--config", config}, ".", nullptr, nullptr, &err_pipe);
    Poco::PipeInputStream err(err_pipe);
    auto err_text = std::async(std::launch::async, [&err] {
      std::string s;
      Poco::StreamCopier::copyToString(err, s);
      return s;
    });
    bool up = wait_until([&] { return port_accepts(port); }, std::chrono::seconds(10));
    if (!up) ::kill(handle.id(), SIGKILL);
    CPPUNIT_ASSERT_MESSAGE("wabot did not start listening", up);

    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    Poco::Net::HTTPRequest request("GET", "/no-such-route", Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("X-Trace-Id", "exe-test");
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    CPPUNIT_ASSERT_EQUAL(404, static_cast<int>(response.getStatus()));
    CPPUNIT_ASSERT_EQUAL(std::string("exe-test"), response.get("X-Trace-Id"));
    session.reset();

    ::kill(handle.id(), signal);
    int status = wait_exit(handle, std::chrono::seconds(10));
    CPPUNIT_ASSERT_EQUAL_MESSAGE("exit status after the signal (-1: hung and killed)", 0, status);
    std::string log = err_text.get();
    auto at = [&log](const char* text) { return log.find(text); };
    CPPUNIT_ASSERT_MESSAGE(log, at("\"message\":\"wabot started\"") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(log, at("\"traceId\":\"exe-test\"") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(log, at("termination requested") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(log, at("\"component\":\"http\"") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(log, at("termination requested") < at("\"message\":\"http server stopped\""));
    // reverse start order: the HTTP server stops before the store closes
    CPPUNIT_ASSERT_MESSAGE(log, at("\"message\":\"database ready\"") < at("\"message\":\"http server listening\""));
    CPPUNIT_ASSERT_MESSAGE(log, at("\"message\":\"http server stopped\"") <
                                    log.find("\"message\":\"component stopped\",\"component\":\"store\""));
    CPPUNIT_ASSERT_MESSAGE(log, log.find("\"message\":\"component stopped\",\"component\":\"store\"") <
                                    at("\"message\":\"wabot stopped\""));
    CPPUNIT_ASSERT_MESSAGE("the database file was created", Poco::File(db).exists());
    CPPUNIT_ASSERT_MESSAGE("port still open after exit", !port_accepts(port));
  }

 public:
  void version_prints_the_project_version() {
    Run r = run({"--version"});
    CPPUNIT_ASSERT_EQUAL(0, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("wabot 0.1.0\n"), r.out);
  }

  void help_lists_the_options() {
    Run r = run({"--help"});
    CPPUNIT_ASSERT_EQUAL(0, r.status);
    for (const char* option : {"--config", "--check-config", "--list-plugins", "--version", "--help"})
      CPPUNIT_ASSERT_MESSAGE(option, r.out.find(option) != std::string::npos);
  }

  void check_config_accepts_a_valid_file() {
    std::string path = write_temp("http: {port: 8080}\nplugins: {load: [metrics]}\nmetrics: {per_agent_labels: true}\n");
    Run r = run({"--config", path, "--check-config"});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
    CPPUNIT_ASSERT(r.err.empty());
    const char* source = std::getenv("WABOT_SOURCE_DIR");
    Run shipped = run({"--config", std::string(source) + "/config/wabot.yaml", "--check-config"});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(shipped.err, 0, shipped.status);
  }

  void check_config_with_bad_file_exits_2_with_one_line() {
    std::string path = write_temp("http:\n  port: abc\n");
    Run r = run({"--config", path, "--check-config"});
    CPPUNIT_ASSERT_EQUAL(2, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("config: http.port: must be an integer 1-65535, got \"abc\"\n"), r.err);
    CPPUNIT_ASSERT(r.out.empty());
    Run unknown = run({"--config", write_temp("http: {prot: 1}\n"), "--check-config"});
    CPPUNIT_ASSERT_EQUAL(2, unknown.status);
    CPPUNIT_ASSERT_EQUAL(std::string("config: http.prot: unknown key\n"), unknown.err);
  }

  void check_config_with_bad_environment_exits_2_with_one_line() {
    std::string path = write_temp("log: {level: info}\n");
    Run r = run({"--config", path, "--check-config"}, {{"LOG_LEVEL", "chatty"}});
    CPPUNIT_ASSERT_EQUAL(2, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("config: log.level (from LOG_LEVEL): must be one of trace, debug, info, warn, "
                                     "error, got \"chatty\"\n"),
                         r.err);
  }

  void missing_config_file_exits_2() {
    Run r = run({"--config", "/nonexistent/wabot.yaml"});
    CPPUNIT_ASSERT_EQUAL(2, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("config: cannot read \"/nonexistent/wabot.yaml\": no such file or not readable\n"), r.err);
  }

  void unknown_option_exits_2() {
    Run r = run({"--frobnicate"});
    CPPUNIT_ASSERT_EQUAL(2, r.status);
    CPPUNIT_ASSERT(r.err.find("frobnicate") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, static_cast<std::size_t>(std::count(r.err.begin(), r.err.end(), '\n')));
    Run missing = run({"--config"});  // the option needs its FILE
    CPPUNIT_ASSERT_EQUAL(2, missing.status);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, static_cast<std::size_t>(std::count(missing.err.begin(), missing.err.end(), '\n')));
    Run stray = run({"stray-argument"});
    CPPUNIT_ASSERT_EQUAL(2, stray.status);
  }

  void list_plugins_prints_what_the_loader_made_of_each() {
    // the default directory (<exe>/../plugins) holds the plugins this build made
    std::string path = write_temp(
        "plugins:\n  load: [rest_api, {name: echo, path: /srv/echo.so, enabled: false}, no_such_plugin]\n");
    Run r = run({"--config", path, "--list-plugins"});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
    std::string plugin_dir = Poco::Path(std::string(std::getenv("WABOT_BINARY_DIR")) + "/plugins").toString();
    std::istringstream lines(r.out);
    std::string rest_api, echo, missing, extra;
    std::getline(lines, rest_api);
    std::getline(lines, echo);
    std::getline(lines, missing);
    CPPUNIT_ASSERT_MESSAGE(r.out, !std::getline(lines, extra));
    CPPUNIT_ASSERT_MESSAGE(rest_api, rest_api.rfind("rest_api\t", 0) == 0);
    CPPUNIT_ASSERT_MESSAGE(rest_api, rest_api.find("\tloaded\t") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(rest_api, rest_api.find("/rest_api.so") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("echo\t-\tdisabled\t/srv/echo.so"), echo);
    CPPUNIT_ASSERT_MESSAGE(missing, missing.rfind("no_such_plugin\t-\trefused\t", 0) == 0);
  }

  void serves_health_with_database_and_plugins() {
    std::uint16_t port = free_port();
    std::string db = Poco::TemporaryFile::tempName() + ".db";
    Poco::TemporaryFile::registerForDeletion(db);
    std::string config = write_temp("http: {host: 127.0.0.1, port: " + std::to_string(port) +
                                    "}\nplugins: {load: [rest_api, metrics]}\ndatabase: {url: 'sqlite://" + db + "'}\n");
    Poco::Pipe err_pipe;
    Poco::ProcessHandle handle =
        Poco::Process::launch(wabot_path(), {"--config", config}, ".", nullptr, nullptr, &err_pipe);
    Poco::PipeInputStream err(err_pipe);
    auto err_text = std::async(std::launch::async, [&err] {
      std::string s;
      Poco::StreamCopier::copyToString(err, s);
      return s;
    });
    auto get_health = [port](std::string& body) {
      try {
        Poco::Net::HTTPClientSession session("127.0.0.1", port);
        Poco::Net::HTTPRequest request("GET", "/health", Poco::Net::HTTPMessage::HTTP_1_1);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        body.clear();
        Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
        return static_cast<int>(response.getStatus());
      } catch (const Poco::Exception&) {
        return 0;
      }
    };
    std::string body;
    // plugins start after the HTTP server: wait for the route, not only the port
    bool healthy = wait_until([&] { return get_health(body) == 200; }, std::chrono::seconds(10));
    ::kill(handle.id(), SIGTERM);
    int status = wait_exit(handle, std::chrono::seconds(10));
    std::string log = err_text.get();
    CPPUNIT_ASSERT_MESSAGE(log, healthy);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(log, 0, status);
    CPPUNIT_ASSERT_MESSAGE(body, body.find("\"status\":\"ok\"") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(body, body.find("\"database\":\"healthy\"") != std::string::npos);
    // The plugin's own version moves with its releases; the shape and the state are what matter here.
    CPPUNIT_ASSERT_MESSAGE(body, std::regex_search(body, std::regex(R"(\{"name":"rest_api","version":"[0-9]+\.[0-9]+\.[0-9]+","state":"running"\})")));
    CPPUNIT_ASSERT_MESSAGE(body, body.find("\"name\":\"metrics\"") != std::string::npos);
    // plugins stop first, then HTTP, then the store
    std::size_t plugins_stopped = log.find("\"message\":\"component stopped\",\"component\":\"plugins\"");
    std::size_t http_stopped = log.find("\"message\":\"component stopped\",\"component\":\"http\"");
    std::size_t store_stopped = log.find("\"message\":\"component stopped\",\"component\":\"store\"");
    CPPUNIT_ASSERT_MESSAGE(log, plugins_stopped < http_stopped && http_stopped < store_stopped &&
                                    store_stopped != std::string::npos);
  }

  void serves_until_sigterm_then_exits_0_in_order() { serve_and_stop(SIGTERM); }

  void sigint_also_stops_cleanly() { serve_and_stop(SIGINT); }

  void unusable_database_exits_1_before_listening() {
    std::uint16_t port = free_port();
    std::string config = write_temp("http: {host: 127.0.0.1, port: " + std::to_string(port) +
                                    "}\nplugins: {load: []}\ndatabase: {url: 'sqlite:///proc/wabot-no-such-dir/x.db'}\n");
    Run r = run({"--config", config});
    CPPUNIT_ASSERT_EQUAL(1, r.status);
    CPPUNIT_ASSERT_MESSAGE(r.err, r.err.find("failed to start store: ") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(r.err, r.err.find("http server listening") == std::string::npos);
  }

  void busy_port_exits_1() {
    Poco::Net::ServerSocket holder(Poco::Net::SocketAddress("127.0.0.1", 0));
    std::string db = Poco::TemporaryFile::tempName() + ".db";
    Poco::TemporaryFile::registerForDeletion(db);
    std::string config = write_temp("http: {host: 127.0.0.1, port: " + std::to_string(holder.address().port()) +
                                    "}\nplugins: {load: []}\ndatabase: {url: 'sqlite://" + db + "'}\n");
    Run r = run({"--config", config});
    CPPUNIT_ASSERT_EQUAL(1, r.status);
    CPPUNIT_ASSERT_MESSAGE(r.err, r.err.find("failed to start http: failed to listen on 127.0.0.1:") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WabotExecutableTest);
