// SPDX-License-Identifier: GPL-3.0-or-later
// Fixture: start returns CONFIG with a message (through the C++ wrapper's Status).
#include <wabot/sdk.hpp>

class StartError : public wabot::Plugin {
 public:
  using wabot::Plugin::Plugin;
  wabot::Status start() { return wabot::Status::error(WABOT_ERR_CONFIG, "developer_jid is not a JID"); }
  wabot::Status stop() {
    log().error("stop must not be called after a failed start");
    return wabot::Status::ok();
  }
};

WABOT_PLUGIN(StartError, "start_error", "0.0.1")
