// SPDX-License-Identifier: GPL-3.0-or-later
// Test doubles of the backends the plugin layer calls (the sessions, messaging, health and store
// layers implement the real ones).
#pragma once

#include "host/plugins/health_backend.hpp"
#include "host/plugins/messaging_backend.hpp"
#include "host/plugins/sessions_backend.hpp"
#include "host/plugins/store_backend.hpp"

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace wabot::plugins::testing {

class InMemorySessions final : public SessionsBackend {
 public:
  std::map<std::string, SessionInfo> sessions;
  Result<CreatedSession> create(const SessionCreateRequest& r) override {
    auto [it, created] = sessions.try_emplace(r.agent_id);
    it->second.agent_id = r.agent_id;
    it->second.user_id = r.user_id;
    it->second.agent_name = r.agent_name;
    it->second.status = "awaiting_qr";
    return CreatedSession{it->second, created};
  }
  Result<SessionInfo> get(std::string_view id) override {
    auto it = sessions.find(std::string(id));
    if (it == sessions.end()) return Status::error(WABOT_ERR_NOT_FOUND, "no session " + std::string(id));
    return it->second;
  }
  Result<SessionPage> list(const SessionFilter& f) override {
    SessionPage page;
    for (const auto& [id, s] : sessions)
      if (page.sessions.size() < f.limit) page.sessions.push_back(s);
    return page;
  }
  Result<bool> remove(std::string_view id, bool) override { return sessions.erase(std::string(id)) > 0; }
  Result<SessionInfo> reconnect(std::string_view id, int64_t) override { return get(id); }
  Result<QrCode> wait_qr(std::string_view id, int64_t) override {
    auto it = sessions.find(std::string(id));
    if (it == sessions.end()) return Status::error(WABOT_ERR_NOT_FOUND, "no session");
    if (!it->second.qr) return Status::error(WABOT_ERR_TIMEOUT, "no QR");
    return *it->second.qr;
  }
};

class InMemoryMessaging final : public MessagingBackend {
 public:
  std::mutex mutex;
  std::vector<TextSend> texts;
  std::vector<MediaSend> media;
  Status next = Status::ok();
  Result<std::string> send_text(const TextSend& s) override {
    std::lock_guard<std::mutex> lock(mutex);
    texts.push_back(s);
    if (!next) return next;
    return "3EB0" + std::to_string(texts.size());
  }
  Result<std::string> send_media(const MediaSend& s) override {
    std::lock_guard<std::mutex> lock(mutex);
    media.push_back(s);
    if (!next) return next;
    return "3EB1" + std::to_string(media.size());
  }
  Status set_typing(const std::string&, const std::string&, wabot_typing_state) override { return Status::ok(); }
};

class FixedHealth final : public HealthBackend {
 public:
  DatabaseHealth db{WABOT_COMPONENT_HEALTHY, ""};
  SessionCounts counts{3, 2};
  DatabaseHealth database() override { return db; }
  SessionCounts sessions() override { return counts; }
};

class InMemoryStore final : public StoreBackend {
 public:
  std::map<std::string, std::string> rows;  // "plugin/key"
  std::vector<AiExecutionRecord> ai;
  Status put(std::string_view p, std::string_view k, std::string_view v) override {
    rows[std::string(p) + "/" + std::string(k)] = std::string(v);
    return Status::ok();
  }
  Result<std::string> get(std::string_view p, std::string_view k) override {
    auto it = rows.find(std::string(p) + "/" + std::string(k));
    if (it == rows.end()) return Status::error(WABOT_ERR_NOT_FOUND, "absent");
    return it->second;
  }
  Status remove(std::string_view p, std::string_view k) override {
    rows.erase(std::string(p) + "/" + std::string(k));
    return Status::ok();
  }
  Result<AgentStats> agent_stats(std::string_view) override { return AgentStats{5, 4, 3, 1000}; }
  Status record_ai_execution(const AiExecutionRecord& r) override {
    ai.push_back(r);
    return Status::ok();
  }
};

}  // namespace wabot::plugins::testing
