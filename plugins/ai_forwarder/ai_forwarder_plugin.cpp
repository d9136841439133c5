// SPDX-License-Identifier: GPL-3.0-or-later
// ai_forwarder: will forward inbound WhatsApp text to the AI backend and send replies (docs/api.md,
// "Inbound messages"). For now it declares its config and reports it started; the forwarding itself
// is a later issue, so it subscribes to nothing and sends nothing.
#include "version.hpp"

#include <wabot/sdk.hpp>

#include <string>

namespace ai_forwarder {

class AiForwarderPlugin : public wabot::Plugin {
 public:
  static constexpr wabot_config_key config_keys[] = {
      wabot::config_key("developer_jid", WABOT_CONFIG_STRING, "",
                        "WhatsApp JID that receives an alert when an AI call fails; empty = no alerts"),
      wabot::config_key("max_age", WABOT_CONFIG_DURATION, "10m",
                        "inbound messages older than this are not forwarded (offline backlog after a reconnect)"),
  };

  explicit AiForwarderPlugin(wabot::Host& host) : wabot::Plugin(host) {}

  wabot::Status start() {
    auto developer_jid = config().get_string("developer_jid");
    if (!developer_jid) return developer_jid.status();
    auto max_age_ms = config().get_duration_ms("max_age");
    if (!max_age_ms) return max_age_ms.status();
    log().info("ai_forwarder started",
               {{"version", AI_FORWARDER_VERSION},
                {"developerAlerts", developer_jid.value().empty() ? "off" : "on"},
                {"maxAgeMs", std::to_string(max_age_ms.value())}});
    return wabot::Status::ok();
  }
};

}  // namespace ai_forwarder

WABOT_PLUGIN(ai_forwarder::AiForwarderPlugin, "ai_forwarder", AI_FORWARDER_VERSION)
