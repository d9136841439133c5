// SPDX-License-Identifier: MIT
// Unit test of echo_handler against the SDK's fake host: ping → pong, others ignored, config honoured,
// send failures reported as errors.
#include <wabot/testing/fake_host.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" const wabot_plugin_descriptor* wabot_plugin_v1(void);

namespace {

int failures = 0;
void check(bool ok, const char* what) {
  std::printf("%s: %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok) ++failures;
}

void answers_ping_with_pong() {
  wabot::testing::FakeHost host;
  check(host.load(wabot_plugin_v1()).is_ok(), "plugin loads in the fake host");
  wabot::testing::TestMessage ping;
  ping.text = "ping";
  check(host.deliver(ping) == WABOT_OK, "on_message returns OK for ping");
  check(host.sent_texts.size() == 1, "one reply sent");
  check(!host.sent_texts.empty() && host.sent_texts[0].text == "pong", "the reply is pong");
  check(!host.sent_texts.empty() && host.sent_texts[0].to == ping.chat_jid, "the reply goes to the chat");
  check(!host.sent_texts.empty() && host.sent_texts[0].agent_id == ping.agent_id, "the reply uses the agent that received");
}

void ignores_other_messages() {
  wabot::testing::FakeHost host;
  check(host.load(wabot_plugin_v1()).is_ok(), "plugin loads");
  wabot::testing::TestMessage hello;
  hello.text = "hello";
  wabot::testing::TestMessage own;
  own.text = "ping";
  own.is_from_me = true;
  check(host.deliver(hello) == WABOT_OK && host.deliver(own) == WABOT_OK, "other messages are accepted");
  check(host.sent_texts.empty(), "nothing is sent for them");
}

void reply_text_comes_from_config() {
  wabot::testing::FakeHost host;
  host.set_config("reply", "PONG!");
  check(host.load(wabot_plugin_v1()).is_ok(), "plugin loads with reply configured");
  wabot::testing::TestMessage ping;
  ping.text = "ping";
  (void)host.deliver(ping);
  check(host.sent_texts.size() == 1 && host.sent_texts[0].text == "PONG!", "the configured reply is sent");
}

void undeclared_config_key_is_refused() {
  wabot::testing::FakeHost host;
  host.set_config("replly", "x");
  wabot::Status s = host.load(wabot_plugin_v1());
  check(!s.is_ok() && s.message().find("replly") != std::string::npos, "an undeclared key is refused by name");
}

void send_failure_is_an_error() {
  wabot::testing::FakeHost host;
  check(host.load(wabot_plugin_v1()).is_ok(), "plugin loads");
  host.send_status = WABOT_ERR_RATE_LIMITED;
  wabot::testing::TestMessage ping;
  ping.text = "ping";
  check(host.deliver(ping) == WABOT_ERR_RATE_LIMITED, "RATE_LIMITED is returned to the host");
  check(host.logged("failed to answer ping"), "the failure is logged");
}

}  // namespace

int main() {
  answers_ping_with_pong();
  ignores_other_messages();
  reply_text_comes_from_config();
  undeclared_config_key_is_refused();
  send_failure_is_an_error();
  std::printf("%d failure(s)\n", failures);
  return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
