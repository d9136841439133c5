// SPDX-License-Identifier: GPL-3.0-or-later
// ai_forwarder_bench: the inbound pipeline end to end. A real Baileys peer sends N texts to a bot
// (simulator → our engine → SessionManager → PluginManager → ai_forwarder.so → AI backend → reply send
// → simulator → peer); the AI backend echoes at once ("re: <text>"), so each reply names its message.
// Prints messages/s and p50/p99 inbound-to-reply latency (peer's send call → the reply's arrival at the
// peer), first for one fast agent, then with a slow agent (AI delay SLOW_MS) taking every 10th message
// beside it; each agent has its own closed loop of IN_FLIGHT unanswered messages. Not a test:
// bench/ai_forwarder.sh runs it.
// Usage: ai_forwarder_bench [MESSAGES] [IN_FLIGHT] [SLOW_MS]   (defaults 200 8 1000)
#include "base64.hpp"
#include "echo_ai_backend.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "../support/wa_peer_process.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/sessions/session_manager.hpp"
#include "log_capture.hpp"
#include "recording_route_registry.hpp"
#include "test_database.hpp"
#include "wa_sim_process.hpp"

using namespace wabot;
using wabot::engine::test::WaSimProcess;
using wabot::test::WaPeerProcess;
using Clock = std::chrono::steady_clock;

namespace {

struct Bot {
  std::string agent, phone;
};
const Bot kFast{"fast", "15550001111"};
const Bot kSlow{"slow", "15550002222"};

std::string control_url(WaSimProcess& sim) {
  auto info = sim.get("/info");
  return Poco::JSON::Parser().parse(info.second).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("controlUrl");
}

struct TempDir {
  std::filesystem::path path;
  TempDir() : path(std::filesystem::temp_directory_path() / ("wabot-aif-bench-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// One message of a run: which bot gets it, when the peer's send started, when its reply arrived.
struct Sample {
  const Bot* bot = nullptr;
  std::string text;
  Clock::time_point sent_at, replied_at;
  bool replied = false;
};

class Run {
 public:
  Run(WaPeerProcess& peer, std::vector<Sample> samples) : peer_(peer), samples_(std::move(samples)) {
    for (size_t i = 0; i < samples_.size(); ++i) index_["re: " + samples_[i].text] = i;
  }

  // Sends every sample, each bot with its own closed loop of at most `window` messages whose reply has
  // not come yet (so a slow bot never holds the fast bot's slots); true when every reply came in time.
  bool execute(int window, std::chrono::seconds limit) {
    std::map<const Bot*, std::vector<size_t>> lanes;
    for (size_t i = 0; i < samples_.size(); ++i) lanes[samples_[i].bot].push_back(i);
    peer_.set_event_hook([this](const WaPeerProcess::Object& e) {
      if (e->optValue<std::string>("event", "") != "message" || e->optValue<bool>("fromMe", false)) return;
      auto now = Clock::now();
      std::lock_guard lock(mu_);
      auto it = index_.find(e->optValue<std::string>("text", ""));
      if (it == index_.end() || samples_[it->second].replied) return;
      Sample& s = samples_[it->second];
      s.replied_at = now;
      s.replied = true;
      ++replied_;
      --in_flight_[s.bot];
      cv_.notify_all();
    });
    std::atomic<int> failed{0};
    start_ = Clock::now();
    std::vector<std::thread> senders;
    std::map<const Bot*, std::atomic<size_t>> next;
    for (auto& [bot, lane] : lanes) next[bot] = 0;
    for (auto& [bot_key, lane_ref] : lanes) {
      const Bot* bot = bot_key;
      const std::vector<size_t>* lane = &lane_ref;
      std::atomic<size_t>* cursor = &next[bot];
      for (int w = 0; w < window; ++w)
        senders.emplace_back([&, bot, lane, cursor] {
          for (size_t k; (k = cursor->fetch_add(1)) < lane->size();) {
            const size_t i = (*lane)[k];
            {
              std::unique_lock lock(mu_);
              cv_.wait(lock, [&] { return in_flight_[bot] < window; });
              ++in_flight_[bot];
              samples_[i].sent_at = Clock::now();
            }
            try {
              peer_.call("sendText", WaPeerProcess::args({{"to", bot->phone + "@s.whatsapp.net"}, {"text", samples_[i].text}}));
            } catch (const std::exception& e) {
              std::cerr << "send failed: " << e.what() << "\n";
              ++failed;
              std::lock_guard lock(mu_);
              --in_flight_[bot];
              cv_.notify_all();
            }
          }
        });
    }
    for (auto& t : senders) t.join();
    std::unique_lock lock(mu_);
    bool all = cv_.wait_for(lock, limit, [&] { return replied_ + static_cast<size_t>(failed.load()) >= samples_.size(); });
    lock.unlock();
    peer_.set_event_hook(nullptr);
    return all && failed == 0;
  }

  // One JSON line of results for the messages to `bot` (messages/s over the whole run's wall time).
  void report(const std::string& label, const Bot& bot) {
    std::lock_guard lock(mu_);
    std::vector<double> lat_ms;
    Clock::time_point last = start_;
    size_t total = 0;
    for (const Sample& s : samples_) {
      if (s.bot != &bot) continue;
      ++total;
      if (!s.replied) continue;
      lat_ms.push_back(std::chrono::duration<double, std::milli>(s.replied_at - s.sent_at).count());
      last = std::max(last, s.replied_at);
    }
    std::sort(lat_ms.begin(), lat_ms.end());
    auto pct = [&](double p) { return lat_ms.empty() ? 0.0 : lat_ms[std::min(lat_ms.size() - 1, static_cast<size_t>(p * lat_ms.size()))]; };
    const double secs = std::chrono::duration<double>(last - start_).count();
    std::printf("{\"run\":\"%s\",\"agent\":\"%s\",\"messages\":%zu,\"replied\":%zu,\"seconds\":%.2f,\"messages_per_s\":%.1f,"
                "\"p50_ms\":%.1f,\"p99_ms\":%.1f,\"max_ms\":%.1f}\n",
                label.c_str(), bot.agent.c_str(), total, lat_ms.size(), secs, secs > 0 ? lat_ms.size() / secs : 0.0, pct(0.50),
                pct(0.99), lat_ms.empty() ? 0.0 : lat_ms.back());
    std::fflush(stdout);
  }

 private:
  WaPeerProcess& peer_;
  std::vector<Sample> samples_;
  std::map<std::string, size_t> index_;  // reply text → sample
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<const Bot*, int> in_flight_;  // per bot: sent, reply not yet seen
  size_t replied_ = 0;
  Clock::time_point start_;
};

void pair_bot(sessions::SessionManager& sessions, WaSimProcess& sim, const Bot& bot) {
  auto created = sessions.create(plugins::SessionCreateRequest{"bench-user", bot.agent, bot.agent, "", 20'000});
  if (!created.is_ok() || !created.value().session.qr) throw std::runtime_error("no QR for " + bot.agent + ": " + created.status().to_string());
  auto scanned = sim.post("/scan", "{\"qr\":" + WaSimProcess::json_string(created.value().session.qr->text) + ",\"phone\":\"" +
                                       bot.phone + "\"}");
  if (scanned.first != 200) throw std::runtime_error("scan failed: " + scanned.second);
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < deadline) {
    auto s = sessions.get(bot.agent);
    if (s.is_ok() && s.value().is_ready) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a condition
  }
  throw std::runtime_error(bot.agent + " did not connect");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const int n = argc > 1 ? std::max(1, std::atoi(argv[1])) : 200;
    const int window = argc > 2 ? std::max(1, std::atoi(argv[2])) : 8;
    const int slow_ms = argc > 3 ? std::max(0, std::atoi(argv[3])) : 1000;
    if (!WaSimProcess::available()) {
      std::cerr << "tests/wa_sim/node_modules is missing: run `npm ci` in tests/wa_sim (and set WABOT_SOURCE_DIR)\n";
      return 2;
    }
    plugins::testing::LogCapture quiet;  // the host's log lines stay in memory
    TempDir tmp;
    bench::EchoAiBackend ai;
    ai.set_delay_ms(kSlow.agent, slow_ms);
    auto db = store::test::TestDatabase::create(store::test::Backend::sqlite);
    WaSimProcess sim;
    sessions::SessionManagerOptions o;
    o.engine.server_url = sim.ws_url();
    const auto& key = sim.root_key();
    o.engine.server_root_key = wabot::test::base64(std::string(key.begin(), key.end()));
    o.ai_backend_url = ai.base_url();
    o.qr_wait_on_create_ms = 20'000;
    o.rate_limit.enabled = false;  // measure the pipeline, not the send budget
    std::string error;
    auto sessions = sessions::SessionManager::create(std::shared_ptr<store::Database>(&db->db(), [](store::Database*) {}), o, error);
    if (!sessions) throw std::runtime_error(error);
    plugins::testing::RecordingRouteRegistry routes;
    plugins::HostBackends backends;
    backends.routes = &routes;
    backends.sessions = sessions.get();
    backends.messaging = sessions.get();
    backends.shared_config = {{"ai.backend_url", ai.base_url()}, {"ai.timeout", "60s"}};
    plugins::PluginsConfig config;
    const char* dir = std::getenv("WABOT_PLUGIN_OUTPUT_DIR");
    config.directory = dir ? dir : "plugins";
    plugins::PluginSpec forwarder;
    forwarder.name = "ai_forwarder";
    forwarder.config = YAML::Load("workers: 4\nqueue_per_agent: 1000");
    config.plugins = {forwarder};
    plugins::PluginManager manager(config, backends);
    if (manager.load_all() != 1) throw std::runtime_error("ai_forwarder.so did not load from " + config.directory);
    manager.start_all();
    sessions->set_event_sink([&manager](const plugins::PluginEvent& e) { manager.publish(e); });

    pair_bot(*sessions, sim, kFast);
    pair_bot(*sessions, sim, kSlow);
    WaPeerProcess peer(WaSimProcess::sim_dir(), control_url(sim), sim.ws_url(), (tmp.path / "peer").string());
    peer.call("pair", WaPeerProcess::args({{"phone", std::string("15550003333")}}));

    // Warm-up: Signal sessions exist both ways with both bots, so the measured messages are plain msg.
    {
      Run warm(peer, {{&kFast, "warm-fast", {}, {}, false}, {&kSlow, "warm-slow", {}, {}, false}});
      if (!warm.execute(2, std::chrono::seconds(60))) throw std::runtime_error("warm-up replies did not come");
    }
    std::printf("{\"messages\":%d,\"in_flight\":%d,\"slow_ai_ms\":%d}\n", n, window, slow_ms);

    std::vector<Sample> fast_only;
    for (int i = 0; i < n; ++i) fast_only.push_back({&kFast, "a" + std::to_string(i), {}, {}, false});
    Run one(peer, fast_only);
    bool ok = one.execute(window, std::chrono::seconds(300));
    one.report("fast_alone", kFast);

    // Every 10th message goes to the slow agent: its AI calls queue up behind each other, the fast
    // agent's must not wait for them.
    std::vector<Sample> mixed;
    for (int i = 0; i < n; ++i) mixed.push_back({i % 10 == 9 ? &kSlow : &kFast, "b" + std::to_string(i), {}, {}, false});
    Run two(peer, mixed);
    ok = two.execute(window, std::chrono::seconds(300 + (n / 10) * slow_ms / 1000)) && ok;
    two.report("fast_beside_slow", kFast);
    two.report("fast_beside_slow", kSlow);
    std::printf("{\"ai_requests\":%llu}\n", static_cast<unsigned long long>(ai.requests()));

    manager.stop_all();
    sessions->shutdown();
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "bench failed: " << e.what() << "\n";
    return 1;
  }
}
