// SPDX-License-Identifier: GPL-3.0-or-later
// Measures event dispatch: N inbound-message events published to the slow_consumer fixture (its gate
// opened first, so on_message returns at once) through the PluginManager's queue and pool; then the
// time to load, start and stop the four first-party plugins (from WABOT_PLUGIN_OUTPUT_DIR).
//   WABOT_FIXTURE_PLUGIN_DIR=build/plugin_fixtures WABOT_PLUGIN_OUTPUT_DIR=build/plugins
//     build/bin/plugin_dispatch_bench [events] [threads]
#include "fixture_paths.hpp"
#include "recording_route_registry.hpp"

#include "host/common/log.hpp"
#include "host/plugins/plugin_manager.hpp"

#include <boost/dll/shared_library.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace wabot::plugins;

int main(int argc, char** argv) {
  const long events = argc > 1 ? std::atol(argv[1]) : 200'000;
  const long threads = argc > 2 ? std::atol(argv[2]) : 2;
  wabot::log::set_level(wabot::log::Level::warn);
  PluginsConfig config = testing::fixture_config({testing::fixture_spec("slow_consumer")}, static_cast<size_t>(events));
  config.dispatch_threads = static_cast<size_t>(threads);
  PluginManager manager(config, HostBackends{});
  if (manager.load_all() != 1) {
    std::fprintf(stderr, "slow_consumer did not load from %s\n", testing::fixture_dir().c_str());
    return 1;
  }
  manager.start_all();
  boost::dll::shared_library fixture(testing::fixture_dir() + "/slow_consumer.so");
  fixture.get<void()>("slow_consumer_release")();
  auto handled = fixture.get<int()>("slow_consumer_handled");

  PluginEvent event;
  event.kind = WABOT_EVENT_MESSAGE_RECEIVED;
  event.agent_id = "bench-agent";
  event.trace_id = "bench-trace";
  MessageData m;
  m.id = "3EB0BENCH";
  m.chat_jid = m.sender_jid = "6281234567890@s.whatsapp.net";
  m.type = WABOT_MESSAGE_TEXT;
  m.text = "hello from the benchmark";
  event.message = m;

  auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < events; ++i) manager.publish(event);
  auto t1 = std::chrono::steady_clock::now();
  if (!manager.wait_idle_ms(120'000)) {
    std::fprintf(stderr, "queue did not drain\n");
    return 1;
  }
  auto t2 = std::chrono::steady_clock::now();
  double publish_s = std::chrono::duration<double>(t1 - t0).count();
  double total_s = std::chrono::duration<double>(t2 - t0).count();
  auto info = manager.plugins().at(0);
  std::printf("events=%ld threads=%ld handled=%d dropped=%llu publish_s=%.3f total_s=%.3f events_per_s=%.0f us_per_event=%.2f\n",
              events, threads, handled(), static_cast<unsigned long long>(info.dropped), publish_s, total_s,
              events / total_s, total_s * 1e6 / events);
  if (handled() != events) return 1;

  const char* plugin_dir = std::getenv("WABOT_PLUGIN_OUTPUT_DIR");
  if (!plugin_dir) return 0;
  PluginsConfig first_party;
  first_party.directory = plugin_dir;
  for (const char* name : {"rest_api", "ai_forwarder", "metrics", "cleanup"}) {
    PluginSpec spec;
    spec.name = name;
    first_party.plugins.push_back(spec);
  }
  testing::RecordingRouteRegistry routes;
  HostBackends backends;
  backends.routes = &routes;
  auto l0 = std::chrono::steady_clock::now();
  PluginManager plugins(first_party, backends);
  size_t loaded = plugins.load_all();
  auto l1 = std::chrono::steady_clock::now();
  plugins.start_all();
  auto l2 = std::chrono::steady_clock::now();
  plugins.stop_all();
  auto l3 = std::chrono::steady_clock::now();
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  std::printf("first_party_loaded=%zu load_ms=%.2f start_ms=%.2f stop_ms=%.2f\n", loaded, ms(l0, l1), ms(l1, l2), ms(l2, l3));
  size_t running = 0;
  for (const auto& p : plugins.plugins()) running += p.state == WABOT_PLUGIN_STATE_STOPPED;  // ran, then stopped
  std::printf("first_party_started_then_stopped=%zu\n", running);
  return loaded == 4 && running == 4 ? 0 : 1;
}
