// SPDX-License-Identifier: GPL-3.0-or-later
// InboundJournal: the inbound messages ai_forwarder has accepted but not finished (AI call, then the
// reply or the alert), kept in the SDK store (plugin_kv) so a crash loses none of them. One entry per
// message ("pending/<agent>/<id>") and one index per agent ("pending/<agent>": the ids, oldest first).
#pragma once

#include <wabot/sdk.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ai_forwarder {

struct JournalEntry {
  std::string agent_id, message_id, trace_id, text, sender_jid, chat_jid, push_name;
  bool is_group = false;
  int64_t timestamp_ms = 0;  // the sender's timestamp (max_age applies to it, as for live messages)
};

// The stored form (JSON); nullopt for a value that does not parse or lacks a field.
std::string encode_entry(const JournalEntry& entry);
std::optional<JournalEntry> decode_entry(std::string_view json);

class InboundJournal {
 public:
  explicit InboundJournal(wabot::Store store) : store_(store) {}

  // Writes the entry, then appends its id to the agent's index. An error leaves the message
  // un-journaled (the caller still handles it, without the crash guarantee).
  wabot::Status add(const JournalEntry& entry);
  // Removes the entry and its id from the index; OK when it was not there.
  wabot::Status remove(const std::string& agent_id, const std::string& message_id);
  // Whether the entry exists (a replayed message that the journal also holds is handled once).
  bool contains(const std::string& agent_id, const std::string& message_id);
  // The agent's entries, oldest first. Ids whose entry is missing or unreadable are skipped (and
  // dropped from the index).
  wabot::Result<std::vector<JournalEntry>> load(const std::string& agent_id);

  static std::string entry_key(const std::string& agent_id, const std::string& message_id) {
    return "pending/" + agent_id + "/" + message_id;
  }
  static std::string index_key(const std::string& agent_id) { return "pending/" + agent_id; }

 private:
  wabot::Result<std::vector<std::string>> read_index(const std::string& agent_id);
  wabot::Status write_index(const std::string& agent_id, const std::vector<std::string>& ids);

  wabot::Store store_;
  std::mutex mutex_;  // one index update at a time (handlers and AI workers both write)
};

}  // namespace ai_forwarder
