// SPDX-License-Identifier: GPL-3.0-or-later
// A small throughput probe (not a test): Signal session upserts and reads, message log appends, on
// the database given by URL, from 1 and from 8 threads. Usage: store_bench DB_URL [ops_per_thread]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "host/store/message_log_repository.hpp"
#include "host/store/schema.hpp"
#include "host/store/signal_repository.hpp"

using namespace wabot::store;

namespace {

double run(Database& db, int threads, int ops, const char* what) {
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  int failures = 0;
  std::mutex m;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      SignalRepository signal(db);
      MessageLogRepository log(db);
      Bytes record(1200, 0xAB);  // about the size of a Signal session record
      for (int i = 0; i < ops; ++i) {
        bool ok = true;
        SignalAddress addr{std::string(what) + std::to_string(t), i % 50};
        if (std::string(what) == "session") {
          ok = signal.store_session("bench", addr, record).ok() && signal.load_session("bench", addr).ok();
        } else {
          LoggedMessage msg{"bench", std::string(what) + std::to_string(t) + "-" + std::to_string(i), "c", "s",
                            MessageDirection::incoming, "text", std::string("hello"), std::nullopt, i, "received",
                            {}, {}, {}, false, 0};
          ok = log.append(msg).ok();
        }
        if (!ok) {
          std::lock_guard lock(m);
          ++failures;
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double rate = threads * ops / s;
  std::printf("%-8s threads=%d ops=%d  %.0f ops/s  (%d failures)\n", what, threads, threads * ops, rate, failures);
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DB_URL [ops_per_thread]\n", argv[0]);
    return 2;
  }
  int ops = argc > 2 ? std::atoi(argv[2]) : 500;
  auto db = Database::open(argv[1]);
  if (!db) {
    std::fprintf(stderr, "%s\n", db.error().message.c_str());
    return 1;
  }
  if (auto m = migrate(**db); !m) {
    std::fprintf(stderr, "%s\n", m.error().message.c_str());
    return 1;
  }
  run(**db, 1, ops, "session");
  run(**db, 8, ops, "session");
  run(**db, 1, ops, "message");
  run(**db, 8, ops, "message");
  return 0;
}
