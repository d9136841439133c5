// SPDX-License-Identifier: GPL-3.0-or-later
// rest_api: the documented REST API (docs/api.md) as a plugin on the public SDK. So far: GET /health;
// the session and agent endpoints are a later issue.
#include "health_response.hpp"
#include "version.hpp"

#include <wabot/sdk.hpp>

namespace rest_api {

class RestApiPlugin : public wabot::Plugin {
 public:
  explicit RestApiPlugin(wabot::Host& host) : wabot::Plugin(host) {}

  wabot::Status start() {
    auto added = http().add_route("GET", "/health", [this](const wabot::HttpRequest& req, const wabot::HttpResponse& res) {
      health(req, res);
    });
    if (!added) return added;
    log().info("rest_api started", {{"version", REST_API_VERSION}});
    return wabot::Status::ok();
  }

 private:
  void health(const wabot::HttpRequest& req, const wabot::HttpResponse& res) const {
    auto snapshot = wabot::Health(host()).snapshot();
    if (!snapshot) {
      // Without a snapshot the host cannot vouch for anything: answer like a down database.
      log().error("health snapshot failed", {{"error", snapshot.status().to_string()}});
      wabot::HealthSnapshot unknown;
      unknown.database = WABOT_COMPONENT_DOWN;
      HealthResponse r = HealthResponse::from(unknown, req.trace_id());
      res.json(r.status, r.body);
      return;
    }
    HealthResponse r = HealthResponse::from(snapshot.value(), req.trace_id());
    res.json(r.status, r.body);
  }
};

}  // namespace rest_api

WABOT_PLUGIN(rest_api::RestApiPlugin, "rest_api", REST_API_VERSION)
