// SPDX-License-Identifier: GPL-3.0-or-later
// Fixture: a well-behaved plugin built with the C++ SDK, compiled under several names (RECORDER_NAME)
// to prove start/stop order, event delivery, routes and timers. It reports everything as log lines.
#include <wabot/sdk.hpp>

#include <string>

class Recorder : public wabot::Plugin {
 public:
  static constexpr wabot_config_key config_keys[] = {
      wabot::config_key("tick", WABOT_CONFIG_DURATION, "0ms", "timer interval; 0 = no timer"),
  };
  explicit Recorder(wabot::Host& host) : wabot::Plugin(host) {}

  wabot::Status start() {
    log().info("lifecycle start " RECORDER_NAME);
    auto route = http().add_route("GET", "/" RECORDER_NAME "/ping/{x}",
                                  [](const wabot::HttpRequest& req, const wabot::HttpResponse& res) {
                                    res.header("X-Recorder", RECORDER_NAME);
                                    res.json(200, std::string(R"({"plugin":")" RECORDER_NAME R"(","x":")") +
                                                      std::string(req.param("x").value_or("")) + R"(","trace":")" +
                                                      std::string(req.trace_id()) + "\"}");
                                  });
    if (!route) return route;
    auto sub = events().subscribe({WABOT_EVENT_SESSION_STATE});
    if (!sub) return sub;
    auto tick = config().get_duration_ms("tick");
    if (!tick) return tick.status();
    if (tick.value() > 0) {
      auto timer = scheduler().schedule(tick.value(), tick.value(), [this] { log().info("tick " RECORDER_NAME); });
      if (!timer) return timer.status();
    }
    return wabot::Status::ok();
  }
  wabot::Status stop() {
    log().info("lifecycle stop " RECORDER_NAME);
    return wabot::Status::ok();
  }
  wabot::Status on_message(const wabot::Event& e) {
    // " replayed" when the host published it again after a restart (ABI 1.3 flag).
    log().info(std::string("message " RECORDER_NAME " ") + std::string(e.message().text()) +
               (e.message().is_replayed() ? " replayed" : ""));
    return wabot::Status::ok();
  }
  wabot::Status on_event(const wabot::Event& e) {
    log().info(std::string("event " RECORDER_NAME " ") + std::to_string(e.kind()) + " " + std::string(e.agent_id()));
    return wabot::Status::ok();
  }
};

WABOT_PLUGIN(Recorder, RECORDER_NAME, "1.2.3")
