// SPDX-License-Identifier: GPL-3.0-or-later
// InboundJournal over the SDK store: entries as JSON, per-agent index as newline-separated ids.
#include "inbound_journal.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <sstream>

namespace ai_forwarder {

std::string encode_entry(const JournalEntry& e) {
  Poco::JSON::Object o;
  o.set("agentId", e.agent_id);
  o.set("messageId", e.message_id);
  o.set("traceId", e.trace_id);
  o.set("text", e.text);
  o.set("sender", e.sender_jid);
  o.set("chat", e.chat_jid);
  o.set("pushName", e.push_name);
  o.set("isGroup", e.is_group);
  o.set("timestampMs", e.timestamp_ms);
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

std::optional<JournalEntry> decode_entry(std::string_view json) {
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var root = parser.parse(std::string(json));
    if (root.type() != typeid(Poco::JSON::Object::Ptr)) return std::nullopt;
    auto o = root.extract<Poco::JSON::Object::Ptr>();
    for (const char* k : {"agentId", "messageId", "traceId", "text", "sender", "chat", "pushName"})
      if (!o->has(k) || !o->get(k).isString()) return std::nullopt;
    if (!o->has("isGroup") || !o->has("timestampMs")) return std::nullopt;
    JournalEntry e;
    e.agent_id = o->getValue<std::string>("agentId");
    e.message_id = o->getValue<std::string>("messageId");
    e.trace_id = o->getValue<std::string>("traceId");
    e.text = o->getValue<std::string>("text");
    e.sender_jid = o->getValue<std::string>("sender");
    e.chat_jid = o->getValue<std::string>("chat");
    e.push_name = o->getValue<std::string>("pushName");
    e.is_group = o->getValue<bool>("isGroup");
    e.timestamp_ms = o->getValue<int64_t>("timestampMs");
    if (e.agent_id.empty() || e.message_id.empty()) return std::nullopt;
    return e;
  } catch (const Poco::Exception&) {
    return std::nullopt;
  } catch (const std::exception&) {  // Poco's Var conversions throw std:: types too
    return std::nullopt;
  }
}

wabot::Result<std::vector<std::string>> InboundJournal::read_index(const std::string& agent_id) {
  auto raw = store_.get(index_key(agent_id));
  if (!raw) {
    if (raw.status().code() == WABOT_ERR_NOT_FOUND) return std::vector<std::string>{};
    return raw.status();
  }
  std::vector<std::string> ids;
  std::istringstream in(raw.value());
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) ids.push_back(line);
  return ids;
}

wabot::Status InboundJournal::write_index(const std::string& agent_id, const std::vector<std::string>& ids) {
  if (ids.empty()) return store_.remove(index_key(agent_id));
  std::string joined;
  for (const auto& id : ids) joined += id + "\n";
  return store_.put(index_key(agent_id), joined);
}

wabot::Status InboundJournal::add(const JournalEntry& entry) {
  // A message id never holds a newline (the index's separator); refuse one rather than corrupt it.
  if (entry.message_id.empty() || entry.message_id.find('\n') != std::string::npos)
    return wabot::Status::error(WABOT_ERR_INVALID_ARGUMENT, "message id unusable as a journal key");
  std::lock_guard lock(mutex_);
  if (auto s = store_.put(entry_key(entry.agent_id, entry.message_id), encode_entry(entry)); !s) return s;
  auto ids = read_index(entry.agent_id);
  if (!ids) return ids.status();
  if (std::find(ids.value().begin(), ids.value().end(), entry.message_id) == ids.value().end())
    ids.value().push_back(entry.message_id);
  return write_index(entry.agent_id, ids.value());
}

wabot::Status InboundJournal::remove(const std::string& agent_id, const std::string& message_id) {
  std::lock_guard lock(mutex_);
  if (auto s = store_.remove(entry_key(agent_id, message_id)); !s) return s;
  auto ids = read_index(agent_id);
  if (!ids) return ids.status();
  auto& v = ids.value();
  auto it = std::remove(v.begin(), v.end(), message_id);
  if (it == v.end()) return wabot::Status::ok();
  v.erase(it, v.end());
  return write_index(agent_id, v);
}

bool InboundJournal::contains(const std::string& agent_id, const std::string& message_id) {
  std::lock_guard lock(mutex_);
  return store_.get(entry_key(agent_id, message_id)).is_ok();
}

wabot::Result<std::vector<JournalEntry>> InboundJournal::load(const std::string& agent_id) {
  std::lock_guard lock(mutex_);
  auto ids = read_index(agent_id);
  if (!ids) return ids.status();
  std::vector<JournalEntry> out;
  std::vector<std::string> kept;
  for (const auto& id : ids.value()) {
    auto raw = store_.get(entry_key(agent_id, id));
    if (!raw) {
      if (raw.status().code() == WABOT_ERR_NOT_FOUND) continue;  // removed before its index update
      return raw.status();
    }
    auto entry = decode_entry(raw.value());
    if (!entry) {
      (void)store_.remove(entry_key(agent_id, id));
      continue;
    }
    kept.push_back(id);
    out.push_back(std::move(*entry));
  }
  if (kept.size() != ids.value().size()) {
    if (auto s = write_index(agent_id, kept); !s) return s;
  }
  return out;
}

}  // namespace ai_forwarder
