// SPDX-License-Identifier: GPL-3.0-or-later
// ai_forwarder: forwards inbound WhatsApp text to each agent's AI backend and sends the replies
// (docs/api.md "Inbound messages"), and serves POST /agents/{agentId}/run. AI calls run on an
// AgentExecutor: concurrent across agents, in order within one agent, never on the engine's threads.
#include "agent_executor.hpp"
#include "ai_client.hpp"
#include "ai_payload.hpp"
#include "inbound_filter.hpp"
#include "inbound_journal.hpp"
#include "jid.hpp"
#include "version.hpp"

#include <wabot/sdk.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <random>
#include <sstream>
#include <string>

namespace ai_forwarder {

namespace {

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A trace id for events that arrive without one, so the AI call, the logs and an alert still share one.
std::string new_trace_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "wa-";
  for (int i = 0; i < 2; ++i) {
    uint64_t v = rng();
    for (int j = 0; j < 16; ++j) out.push_back(hex[(v >> (j * 4)) & 0xF]);
  }
  return out;
}

bool valid_agent_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

void error_response(const wabot::HttpResponse& res, int status, std::string_view code, std::string_view message,
                    std::string_view trace_id) {
  res.json(status, "{\"error\":{\"code\":" + json_string(code) + ",\"message\":" + json_string(message) +
                       ",\"traceId\":" + json_string(trace_id) + "}}");
}

}  // namespace

class AiForwarderPlugin : public wabot::Plugin {
 public:
  static constexpr wabot_config_key config_keys[] = {
      wabot::config_key("developer_jid", WABOT_CONFIG_STRING, "",
                        "WhatsApp JID that receives an alert when an AI call fails; empty = no alerts"),
      wabot::config_key("max_age", WABOT_CONFIG_DURATION, "10m",
                        "inbound messages older than this are not forwarded (offline backlog after a reconnect)"),
      wabot::config_key("workers", WABOT_CONFIG_INT, "4",
                        "threads making AI calls (agents run concurrently, each in order); 0 = on the plugin's queue"),
      wabot::config_key("queue_per_agent", WABOT_CONFIG_INT, "100",
                        "inbound messages waiting for one agent's AI before new ones are dropped"),
  };

  explicit AiForwarderPlugin(wabot::Host& host) : wabot::Plugin(host) {}

  wabot::Status start() {
    auto developer_jid = config().get_string("developer_jid");
    if (!developer_jid) return developer_jid.status();
    developer_jid_ = std::string(developer_jid.value());
    if (!developer_jid_.empty()) {
      auto n = jid::normalize(developer_jid_);
      if (!n) return wabot::Status::error(WABOT_ERR_CONFIG, "ai_forwarder.developer_jid is not a phone or JID: " + developer_jid_);
      developer_jid_ = *n;
    }
    auto max_age_ms = config().get_duration_ms("max_age");
    if (!max_age_ms) return max_age_ms.status();
    max_age_ms_ = max_age_ms.value();
    auto workers = config().get_int("workers");
    if (!workers) return workers.status();
    auto queue = config().get_int("queue_per_agent");
    if (!queue) return queue.status();
    if (workers.value() < 0 || workers.value() > 64)
      return wabot::Status::error(WABOT_ERR_CONFIG, "ai_forwarder.workers must be 0..64");
    if (queue.value() < 1 || queue.value() > 100000)
      return wabot::Status::error(WABOT_ERR_CONFIG, "ai_forwarder.queue_per_agent must be 1..100000");
    if (auto url = config().shared("ai.backend_url")) backend_url_ = std::string(url.value());
    while (!backend_url_.empty() && backend_url_.back() == '/') backend_url_.pop_back();
    if (auto t = config().shared_duration_ms("ai.timeout"); t && t.value() > 0) timeout_ms_ = t.value();

    if (auto s = http().add_route("POST", "/agents/{agentId}/run",
                                  [this](const wabot::HttpRequest& req, const wabot::HttpResponse& res) { run_route(req, res); });
        !s)
      return s;
    if (workers.value() > 0)
      executor_ = std::make_unique<AgentExecutor>(static_cast<size_t>(workers.value()), static_cast<size_t>(queue.value()));
    journal_ = std::make_unique<InboundJournal>(store());
    {
      std::lock_guard lock(stop_mutex_);
      stopping_ = false;
    }
    replay_journal();
    log().info("ai_forwarder started",
               {{"version", AI_FORWARDER_VERSION},
                {"developerAlerts", developer_jid_.empty() ? "off" : "on"},
                {"maxAgeMs", std::to_string(max_age_ms_)},
                {"timeoutMs", std::to_string(timeout_ms_)},
                {"workers", std::to_string(workers.value())},
                {"backendUrl", backend_url_.empty() ? "<unset>" : AiClient::display_url(backend_url_)}});
    return wabot::Status::ok();
  }

  wabot::Status stop() {
    {
      std::lock_guard lock(stop_mutex_);
      stopping_ = true;
    }
    stop_cv_.notify_all();  // a replayed job waiting for its session gives up (it stays journaled)
    if (executor_) executor_->stop();
    return wabot::Status::ok();
  }

  wabot::Status on_message(const wabot::Event& e) {
    if (!e.has_message()) return wabot::Status::ok();
    const wabot::Message m = e.message();
    InboundMessage in;
    in.chat_jid = m.chat_jid();
    in.sender_jid = m.sender_jid();
    in.text = m.text();
    in.is_text = m.type() == WABOT_MESSAGE_TEXT;
    in.is_group = m.is_group();
    in.is_from_me = m.is_from_me();
    in.timestamp_ms = m.timestamp_ms();
    in.mentioned_jids = m.mentioned_jids();
    BotIdentity bot;
    // The bot's own JIDs matter for the own-message and group rules; a failed lookup leaves them empty,
    // which makes groups never forward (safe) and still forwards direct chats.
    if (auto s = sessions().get(e.agent_id())) {
      bot.pn_jid = s.value().me_jid;
      bot.lid_jid = s.value().me_lid;
    }
    const int64_t now_ms = e.timestamp_ms() > 0 ? e.timestamp_ms() : wall_ms();
    // The host publishes again, after a restart, what it had not seen every plugin finish; the journal
    // may hold the same message (accepted here, not finished): it is handled once, from the journal.
    if (m.is_replayed() && journaled_before(std::string(e.agent_id()), std::string(m.id()))) {
      log().info("replayed message already in the journal, handled from there",
                 {{"agentId", std::string(e.agent_id())}, {"messageId", std::string(m.id())}});
      return wabot::Status::ok();
    }
    SkipReason why = classify_inbound(in, bot, now_ms, max_age_ms_);
    if (why != SkipReason::kUnset) {
      log().debug("inbound message not forwarded", {{"agentId", std::string(e.agent_id())}, {"reason", std::string(to_string(why))}});
      return wabot::Status::ok();
    }
    std::string trace_id = e.trace_id().empty() ? new_trace_id() : std::string(e.trace_id());
    auto job = std::make_shared<InboundJob>(InboundJob{std::string(e.agent_id()), std::move(trace_id), std::string(m.text()),
                                                       std::string(m.sender_jid()), std::string(m.chat_jid()), std::string(m.id()),
                                                       std::string(m.push_name()), in.is_group, false});
    // Journaled before this handler returns (then the host marks the message dispatched): a crash from
    // here on finds it in the journal at the next start.
    if (auto s = journal_->add(JournalEntry{job->agent_id, job->message_id, job->trace_id, job->text, job->sender_jid,
                                            job->chat_jid, job->push_name, job->is_group, in.timestamp_ms});
        !s)
      log().error("inbound message not journaled (lost if the host dies before its reply)",
                  {{"agentId", job->agent_id}, {"messageId", job->message_id}, {"error", s.message()}});
    if (!submit(job)) {
      remove_from_journal(*job);
      log().warn("inbound message dropped: the agent's AI queue is full",
                 {{"agentId", job->agent_id}, {"chatId", job->chat_jid}, {"traceId", job->trace_id}});
      return wabot::Status::error(WABOT_ERR_RETRY, "ai_forwarder queue of agent " + job->agent_id + " is full");
    }
    return wabot::Status::ok();
  }

 private:
  struct InboundJob {
    std::string agent_id, trace_id, text, sender_jid, chat_jid, message_id, push_name;
    bool is_group = false;
    bool from_journal = false;  // replayed from the journal at start: waits for its session first
  };

  bool submit(const std::shared_ptr<InboundJob>& job) {
    return executor_ ? executor_->submit(job->agent_id, [this, job] { process(*job); })
                     : scheduler().post([this, job] { process(*job); }).is_ok();
  }

  void remove_from_journal(const InboundJob& job) {
    if (auto s = journal_->remove(job.agent_id, job.message_id); !s)
      log().warn("journal entry not removed (the message may be handled again after a restart)",
                 {{"agentId", job.agent_id}, {"messageId", job.message_id}, {"error", s.message()}});
  }

  bool journaled_before(const std::string& agent_id, const std::string& message_id) {
    {
      std::lock_guard lock(replayed_mutex_);
      if (replayed_from_journal_.count(agent_id + "/" + message_id)) return true;
    }
    return journal_->contains(agent_id, message_id);
  }

  // At start: every agent's journal entries, oldest first and per agent in order, go to the AI again;
  // those older than max_age are dropped (logged). Agents come from the sessions service.
  void replay_journal() {
    const int64_t now = wall_ms();
    std::string cursor;
    size_t replayed = 0, dropped = 0;
    for (int page_no = 0; page_no < 10'000; ++page_no) {
      auto page = sessions().list({}, {}, cursor, 0);
      if (!page) {
        log().error("journal not replayed: listing the sessions failed", {{"error", page.status().message()}});
        return;
      }
      for (const auto& session : page.value().sessions) {
        auto entries = journal_->load(session.agent_id);
        if (!entries) {
          log().error("journal of an agent not replayed", {{"agentId", session.agent_id}, {"error", entries.status().message()}});
          continue;
        }
        for (const auto& entry : entries.value()) {
          if (entry.timestamp_ms > 0 && now - entry.timestamp_ms > max_age_ms_) {
            log().warn("journaled message older than max_age dropped",
                       {{"agentId", entry.agent_id}, {"messageId", entry.message_id}, {"traceId", entry.trace_id},
                        {"ageMs", std::to_string(now - entry.timestamp_ms)}});
            (void)journal_->remove(entry.agent_id, entry.message_id);
            ++dropped;
            continue;
          }
          auto job = std::make_shared<InboundJob>(InboundJob{entry.agent_id, entry.trace_id, entry.text, entry.sender_jid,
                                                             entry.chat_jid, entry.message_id, entry.push_name, entry.is_group, true});
          {
            std::lock_guard lock(replayed_mutex_);
            replayed_from_journal_.insert(entry.agent_id + "/" + entry.message_id);
          }
          if (!submit(job)) {
            log().warn("journaled message not replayed: the agent's AI queue is full (kept for the next start)",
                       {{"agentId", entry.agent_id}, {"messageId", entry.message_id}});
            continue;
          }
          ++replayed;
        }
      }
      cursor = page.value().next_cursor;
      if (cursor.empty()) break;
    }
    if (replayed || dropped)
      log().info("journal replayed", {{"replayed", std::to_string(replayed)}, {"droppedOld", std::to_string(dropped)}});
  }

  // A job from the journal runs before its agent has logged in again: wait (bounded) until it can send.
  bool wait_until_ready(const std::string& agent_id) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kReadyWaitMs);
    std::unique_lock lock(stop_mutex_);
    while (!stopping_) {
      lock.unlock();
      auto s = sessions().get(agent_id);
      lock.lock();
      if (s && s.value().is_ready) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      stop_cv_.wait_for(lock, std::chrono::milliseconds(100));
    }
    return false;
  }

  // Where this agent's AI lives; empty when neither endpoint_url_run nor ai.backend_url is set.
  std::string endpoint_for(const wabot::SessionInfo& s) const {
    if (!s.endpoint_url_run.empty()) return s.endpoint_url_run;
    if (backend_url_.empty()) return {};
    return backend_url_ + "/agents/" + s.agent_id + "/execute";
  }

  std::string api_key_for(const std::string& agent_id) const {
    auto key = sessions().api_key(agent_id);
    if (key) return key.value();
    log().warn("AI call without an api key: the host could not give it", {{"agentId", agent_id}, {"error", key.status().message()}});
    return {};
  }

  AiOutcome call_ai(const wabot::SessionInfo& s, const std::string& trace_id, std::string body, std::string_view source,
                    std::string_view session_id) const {
    AiOutcome outcome;
    std::string url = endpoint_for(s);
    const int64_t started_ms = wall_ms();
    if (url.empty()) {
      outcome.error_code = "AI_DOWNSTREAM_ERROR";
      outcome.error_message = "agent " + s.agent_id + " has no endpoint_url_run and ai.backend_url is not set";
    } else {
      outcome = AiClient().call(AiCall{url, api_key_for(s.agent_id), trace_id, std::move(body), timeout_ms_});
    }
    auto rec = store().record_ai_execution({.agent_id = s.agent_id, .trace_id = trace_id, .source = source,
                                            .session_id = session_id, .started_at_ms = started_ms,
                                            .latency_ms = outcome.latency_ms, .http_status = outcome.http_status,
                                            .error_code = outcome.error_code, .error_message = outcome.error_message});
    if (!rec) log().warn("failed to record an AI execution", {{"agentId", s.agent_id}, {"error", rec.message()}});
    log().info("AI call finished", {{"agentId", s.agent_id}, {"traceId", trace_id}, {"source", std::string(source)},
                                    {"latencyMs", std::to_string(outcome.latency_ms)},
                                    {"httpStatus", std::to_string(outcome.http_status)},
                                    {"error", outcome.error_code}});
    return outcome;
  }

  void process(const InboundJob& job) {
    if (job.from_journal && !wait_until_ready(job.agent_id)) {
      log().warn("journaled message waits for the next start: its session did not become ready",
                 {{"agentId", job.agent_id}, {"messageId", job.message_id}, {"traceId", job.trace_id}});
      return;
    }
    handle(job);
    // Done: replied, alerted, or nothing to send. A crash before this line replays it.
    remove_from_journal(job);
  }

  void handle(const InboundJob& job) {
    auto session = sessions().get(job.agent_id);
    if (!session) {
      log().warn("inbound message not forwarded: session lookup failed",
                 {{"agentId", job.agent_id}, {"traceId", job.trace_id}, {"error", session.status().message()}});
      return;
    }
    // Typing is best effort: a failure must not stop the AI call.
    (void)messaging().set_typing(job.agent_id, job.chat_jid, WABOT_TYPING_COMPOSING);
    AiOutcome out = call_ai(session.value(), job.trace_id,
                            inbound_payload_json({job.agent_id, job.trace_id, job.text, job.sender_jid, job.chat_jid,
                                                  job.message_id, job.push_name, job.is_group}),
                            "whatsapp", job.sender_jid);
    (void)messaging().set_typing(job.agent_id, job.chat_jid, WABOT_TYPING_PAUSED);
    if (!out.ok()) {
      alert(job, out.error_code + ": " + out.error_message);
      return;
    }
    if (!out.reply) return;  // the AI chose not to answer
    auto sent = messaging().send_text({.agent_id = job.agent_id, .to = job.chat_jid, .text = *out.reply,
                                       .quoted_message_id = job.is_group ? std::string_view(job.message_id) : std::string_view{},
                                       .trace_id = job.trace_id});
    if (!sent)
      log().warn("AI reply not sent", {{"agentId", job.agent_id}, {"chatId", job.chat_jid}, {"traceId", job.trace_id},
                                       {"error", sent.status().message()}});
  }

  void alert(const InboundJob& job, const std::string& reason) {
    log().warn("AI call failed", {{"agentId", job.agent_id}, {"sender", job.sender_jid}, {"traceId", job.trace_id}, {"reason", reason}});
    if (developer_jid_.empty()) return;
    std::string text = "[wabot] AI call failed\nagent: " + job.agent_id + "\nsender: " + job.sender_jid +
                       "\nreason: " + reason + "\ntraceId: " + job.trace_id;
    auto sent = messaging().send_text({.agent_id = job.agent_id, .to = developer_jid_, .text = text, .trace_id = job.trace_id});
    if (!sent)
      log().warn("developer alert not sent", {{"agentId", job.agent_id}, {"traceId", job.trace_id}, {"error", sent.status().message()}});
  }

  // POST /agents/{agentId}/run on an HTTP worker thread (blocking is allowed there).
  void run_route(const wabot::HttpRequest& req, const wabot::HttpResponse& res) {
    const std::string trace(req.trace_id());
    const std::string agent(req.param("agentId").value_or(""));
    if (!valid_agent_id(agent)) return error_response(res, 400, "INVALID_PAYLOAD", "agentId must match ^[A-Za-z0-9._-]{1,64}$", trace);
    auto session = sessions().get(agent);
    if (!session) {
      if (session.status().code() == WABOT_ERR_NOT_FOUND)
        return error_response(res, 404, "SESSION_NOT_FOUND", "no session for agent " + agent, trace);
      return error_response(res, 500, "INTERNAL_ERROR", "failed to read session " + agent, trace);
    }
    // Bearer, compared in constant time by the host with whatsapp_user.api_key (the same check as
    // rest_api's agent endpoints; a mismatch makes the host re-read api_keys). Never logged.
    std::string_view auth = req.header("authorization").value_or("");
    constexpr std::string_view prefix = "Bearer ";
    if (auth.size() <= prefix.size() || auth.substr(0, prefix.size()) != prefix)
      return error_response(res, 401, "UNAUTHORIZED", "missing or wrong Bearer token", trace);
    auto match = sessions().check_api_key(agent, auth.substr(prefix.size()));
    if (!match) {
      if (match.status().code() == WABOT_ERR_NOT_FOUND)
        return error_response(res, 404, "SESSION_NOT_FOUND", "no session for agent " + agent, trace);
      return error_response(res, 500, "INTERNAL_ERROR", "failed to check the api key of agent " + agent, trace);
    }
    if (!match.value()) return error_response(res, 401, "UNAUTHORIZED", "missing or wrong Bearer token", trace);

    std::string input, session_id, parameters = "{\"max_steps\":5}";
    try {
      Poco::JSON::Parser parser;
      Poco::Dynamic::Var root = parser.parse(std::string(req.body()));
      if (root.type() != typeid(Poco::JSON::Object::Ptr))
        return error_response(res, 400, "INVALID_PAYLOAD", "body must be a JSON object", trace);
      auto obj = root.extract<Poco::JSON::Object::Ptr>();
      Poco::Dynamic::Var in = obj->has("input") ? obj->get("input") : obj->get("message");
      if (!in.isString() || in.extract<std::string>().empty())
        return error_response(res, 400, "INVALID_PAYLOAD", "input (or message) must be a non-empty string", trace);
      input = in.extract<std::string>();
      Poco::Dynamic::Var sid = obj->get("session_id");
      if (!sid.isString()) return error_response(res, 400, "INVALID_PAYLOAD", "session_id must be a phone or JID", trace);
      auto normalized = jid::normalize(sid.extract<std::string>());
      if (!normalized) return error_response(res, 400, "INVALID_PAYLOAD", "session_id must be a phone or JID", trace);
      session_id = *normalized;
      if (obj->has("parameters")) {
        Poco::JSON::Object::Ptr p = obj->getObject("parameters");
        if (!p) return error_response(res, 400, "INVALID_PAYLOAD", "parameters must be an object", trace);
        std::ostringstream os;
        p->stringify(os);
        parameters = os.str();
      }
    } catch (const Poco::Exception& e) {
      return error_response(res, 400, "INVALID_PAYLOAD", "body is not valid JSON: " + e.message(), trace);
    }
    if (!session.value().is_ready)
      return error_response(res, 409, "SESSION_NOT_READY", "the WhatsApp connection of agent " + agent + " is not open", trace);

    AiOutcome out = call_ai(session.value(), trace, run_payload_json(agent, trace, input, session_id, parameters), "api", session_id);
    if (!out.ok()) {
      int status = out.error_code == "AI_TIMEOUT" ? 504 : 502;
      return error_response(res, status, out.error_code, out.error_message, trace);
    }
    bool sent_ok = false;
    if (out.reply) {
      auto sent = messaging().send_text({.agent_id = agent, .to = session_id, .text = *out.reply, .trace_id = trace});
      if (!sent && sent.status().code() == WABOT_ERR_RATE_LIMITED)
        return error_response(res, 429, "RATE_LIMITED", "the agent's send queue is full", trace);
      if (!sent) log().warn("AI reply not sent", {{"agentId", agent}, {"traceId", trace}, {"error", sent.status().message()}});
      sent_ok = sent.is_ok();
    }
    res.json(200, "{\"data\":{\"reply\":" + (out.reply ? json_string(*out.reply) : std::string("null")) +
                      ",\"replySent\":" + (sent_ok ? "true" : "false") + "},\"traceId\":" + json_string(trace) + "}");
  }

  std::string developer_jid_, backend_url_;
  int64_t max_age_ms_ = 600'000;
  int64_t timeout_ms_ = 60'000;
  std::unique_ptr<AgentExecutor> executor_;
  std::unique_ptr<InboundJournal> journal_;
  static constexpr int64_t kReadyWaitMs = 120'000;
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::mutex replayed_mutex_;
  std::set<std::string> replayed_from_journal_;  // "<agent>/<id>" replayed from the journal at start
};

}  // namespace ai_forwarder

WABOT_PLUGIN(ai_forwarder::AiForwarderPlugin, "ai_forwarder", AI_FORWARDER_VERSION)
