// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmark (not a test): messages per second and send-to-decrypt latency from a wabot engine agent
// to a real Baileys peer through the simulator. Latency = from send_text() to the moment the peer
// driver reports the decrypted message on its stdout.
//   build/bin/engine_messaging_bench [messages=500] [in_flight=16]
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>

#include "engine_harness.hpp"

using namespace wabot::engine;
using namespace wabot::engine::test;
using wabot::test::WaPeerProcess;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  try {
    const int n = argc > 1 ? std::max(1, std::atoi(argv[1])) : 500;
    const int window = argc > 2 ? std::max(1, std::atoi(argv[2])) : 16;
    if (!WaSimProcess::available()) {
      std::cerr << "tests/wa_sim/node_modules is missing: run `npm ci` in tests/wa_sim (and set WABOT_SOURCE_DIR)\n";
      return 2;
    }
    WaSimProcess sim;
    TempDir tmp;
    transport::EventLoop loop(2);
    WaPeerProcess peer(WaSimProcess::sim_dir(), control_url(sim), sim.ws_url(), tmp.path("peer"));
    auto paired = peer.call("pair", WaPeerProcess::args({{"phone", std::string("15559876543")}}));
    const Jid peer_jid = Jid::parse(paired->getValue<std::string>("jid")).value().to_non_ad();
    EngineAgent engine(loop, "sqlite://" + tmp.path("wabot.db"), "bench", sim.ws_url(), sim.root_key());
    engine.pair(sim, "15551234567");
    engine.messenger().send_presence_available();
    // Warm-up: the session exists both ways, so the measured messages are plain msg.
    if (!engine.send_text(peer_jid, "warm-up").ok()) throw std::runtime_error("warm-up send failed");
    peer.call("waitMessage", WaPeerProcess::args({{"text", std::string("warm-up")}, {"timeout_ms", 30000}}));
    peer.call("sendText", WaPeerProcess::args({{"to", engine.pn_user().to_string()}, {"text", std::string("warm-up reply")}}));
    if (!engine.events().wait_message([](const auto& m) { return m.text == "warm-up reply"; })) throw std::runtime_error("no warm-up reply");

    std::mutex mu;
    std::condition_variable cv;
    std::map<std::string, Clock::time_point> started, arrived;
    int in_flight = 0, failed = 0;
    peer.set_event_hook([&](const WaPeerProcess::Object& e) {
      if (e->optValue<std::string>("event", "") != "message") return;
      auto text = e->optValue<std::string>("text", "");
      if (text.rfind("bench-", 0) != 0) return;
      std::lock_guard lock(mu);
      arrived.emplace(text, Clock::now());
      --in_flight;
      cv.notify_all();
    });
    const auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) {
      std::string text = "bench-" + std::to_string(i);
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return in_flight < window; });
        ++in_flight;
        started[text] = Clock::now();
      }
      engine.messenger().send_text({peer_jid, text, {}, std::nullopt}, [&](Result<messaging::SentMessage> r) {
        if (r.ok()) return;
        std::lock_guard lock(mu);
        ++failed, --in_flight;
        cv.notify_all();
      });
    }
    {
      std::unique_lock lock(mu);
      if (!cv.wait_for(lock, std::chrono::seconds(300), [&] { return static_cast<int>(arrived.size()) + failed >= n; }))
        throw std::runtime_error("timed out: " + std::to_string(arrived.size()) + " of " + std::to_string(n) + " arrived");
    }
    const auto t1 = Clock::now();
    std::vector<double> lat_ms;
    {
      std::lock_guard lock(mu);
      for (const auto& [text, at] : arrived) lat_ms.push_back(std::chrono::duration<double, std::milli>(at - started[text]).count());
    }
    std::sort(lat_ms.begin(), lat_ms.end());
    auto pct = [&](double p) { return lat_ms.empty() ? 0.0 : lat_ms[std::min(lat_ms.size() - 1, static_cast<std::size_t>(p * lat_ms.size()))]; };
    const double secs = std::chrono::duration<double>(t1 - t0).count();
    std::printf("{\"messages\":%d,\"in_flight\":%d,\"delivered\":%zu,\"failed\":%d,\"seconds\":%.2f,\"messages_per_s\":%.1f,"
                "\"p50_ms\":%.1f,\"p99_ms\":%.1f,\"max_ms\":%.1f,\"undecryptable_on_engine\":%zu}\n",
                n, window, lat_ms.size(), failed, secs, lat_ms.size() / secs, pct(0.50), pct(0.99), lat_ms.empty() ? 0.0 : lat_ms.back(),
                engine.events().undecryptable().size());
    peer.set_event_hook(nullptr);
    return failed == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "bench failed: " << e.what() << "\n";
    return 1;
  }
}
