// SPDX-License-Identifier: MIT
// echo_handler: a minimal inbound handler plugin. Answers "pong" to a direct "ping" through the
// messaging service; everything else is ignored.
#include <wabot/sdk.hpp>

#include <string>

namespace {

class EchoHandler : public wabot::Plugin {
 public:
  static constexpr wabot_config_key config_keys[] = {
      wabot::config_key("reply", WABOT_CONFIG_STRING, "pong", "text sent back to a \"ping\""),
  };

  explicit EchoHandler(wabot::Host& host) : wabot::Plugin(host) {}

  wabot::Status start() {
    auto reply = config().get_string("reply");
    if (!reply) return reply.status();
    reply_ = std::string(reply.value());
    log().info("echo handler started", {{"reply", reply_}});
    return wabot::Status::ok();
  }

  wabot::Status on_message(const wabot::Event& event) {
    if (!event.has_message()) return wabot::Status::ok();
    wabot::Message m = event.message();
    if (m.is_from_me() || m.type() != WABOT_MESSAGE_TEXT || m.text() != "ping") return wabot::Status::ok();
    wabot::TextMessage out;
    out.agent_id = event.agent_id();
    out.to = m.chat_jid();
    out.text = reply_;
    out.quoted_message_id = m.is_group() ? m.id() : std::string_view();
    out.trace_id = event.trace_id();
    auto sent = messaging().send_text(out);
    if (!sent) {
      // RATE_LIMITED / NOT_READY are normal for a busy agent: log and let the host count it.
      log().warn("failed to answer ping", {{"error", sent.status().to_string()}});
      return sent.status();
    }
    log().debug("answered ping", {{"messageId", sent.value()}});
    return wabot::Status::ok();
  }

 private:
  std::string reply_;
};

}  // namespace

WABOT_PLUGIN(EchoHandler, "echo_handler", ECHO_HANDLER_VERSION)
