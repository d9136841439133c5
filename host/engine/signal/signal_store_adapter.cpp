// SPDX-License-Identifier: GPL-3.0-or-later
// libsignal store callbacks over the engine SignalStore. Every callback catches exceptions (this is
// a C boundary) and turns store errors into SG_ERR_UNKNOWN with the cause kept for the caller.
#include "host/engine/signal/signal_store_adapter.hpp"

#include "host/engine/signal/signal_ref.hpp"

#include <curve.h>
#include <session_pre_key.h>

#include <cstring>
#include <exception>

namespace wabot::engine::signal {
namespace {

using store::SignalAddress;
using store::SignalStoreStatus;

SignalStoreAdapter& self(void* user_data) { return *static_cast<SignalStoreAdapter*>(user_data); }

SignalAddress to_address(const signal_protocol_address* a) {
  return SignalAddress{std::string(a->name, a->name_len), a->device_id};
}

store::SenderKeyName to_sender_key_name(const signal_protocol_sender_key_name* n) {
  return store::SenderKeyName{std::string(n->group_id, n->group_id_len), to_address(&n->sender)};
}

// Runs one callback body; store failures and exceptions become SG_ERR_UNKNOWN plus a recorded cause.
template <typename F>
int guarded(void* user_data, const char* what, F&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    self(user_data).record_store_error(std::string(what) + ": " + e.what());
  } catch (...) {
    self(user_data).record_store_error(std::string(what) + ": unknown exception");
  }
  return SG_ERR_UNKNOWN;
}

int failed(void* user_data, const SignalStoreStatus& status) {
  self(user_data).record_store_error(status.error);
  return SG_ERR_UNKNOWN;
}

bool raw_key_from_serialized(const std::uint8_t* data, std::size_t len, crypto::Key32& out) {
  // libsignal hands public keys as 0x05 ‖ 32 bytes.
  if (!data || len != 33 || data[0] != 0x05) return false;
  std::memcpy(out.data(), data + 1, 32);
  return true;
}

bool public_key_bytes(const ec_public_key* key, crypto::Key32& out) {
  SignalBuffer buffer;
  if (ec_public_key_serialize(buffer.out(), key) != 0) return false;
  return raw_key_from_serialized(signal_buffer_const_data(buffer.get()), signal_buffer_len(buffer.get()), out);
}

bool private_key_bytes(const ec_private_key* key, crypto::Key32& out) {
  SignalBuffer buffer;
  if (ec_private_key_serialize(buffer.out(), key) != 0 || signal_buffer_len(buffer.get()) != 32) return false;
  std::memcpy(out.data(), signal_buffer_const_data(buffer.get()), 32);
  return true;
}

bool make_key_pair(const crypto::KeyPair& pair, signal_context* context, SignalRef<ec_key_pair>& out) {
  std::uint8_t typed[33];
  typed[0] = 0x05;
  std::memcpy(typed + 1, pair.public_key.data(), 32);
  SignalRef<ec_public_key> pub;
  SignalRef<ec_private_key> priv;
  if (curve_decode_point(pub.out(), typed, sizeof typed, context) != 0) return false;
  if (curve_decode_private_point(priv.out(), pair.private_key.data(), 32, context) != 0) return false;
  return ec_key_pair_create(out.out(), pub.get(), priv.get()) == 0;
}

bool read_key_pair(ec_key_pair* pair, crypto::KeyPair& out) {
  return pair && public_key_bytes(ec_key_pair_get_public(pair), out.public_key) &&
         private_key_bytes(ec_key_pair_get_private(pair), out.private_key);
}

// ---- session store ----

int load_session(signal_buffer** record, signal_buffer** /*user_record*/, const signal_protocol_address* address, void* ud) {
  return guarded(ud, "load session", [&] {
    std::optional<crypto::Bytes> bytes;
    auto status = self(ud).store().load_session(to_address(address), bytes);
    if (!status.ok()) return failed(ud, status);
    if (!bytes) return 0;
    *record = signal_buffer_create(bytes->data(), bytes->size());
    return *record ? 1 : SG_ERR_NOMEM;
  });
}

int get_sub_device_sessions(signal_int_list** sessions, const char* name, size_t name_len, void* ud) {
  return guarded(ud, "list session devices", [&] {
    std::vector<std::int32_t> devices;
    auto status = self(ud).store().list_session_devices(std::string(name, name_len), devices);
    if (!status.ok()) return failed(ud, status);
    signal_int_list* list = signal_int_list_alloc();
    if (!list) return SG_ERR_NOMEM;
    for (auto d : devices) {
      if (signal_int_list_push_back(list, d) != 0) {
        signal_int_list_free(list);
        return SG_ERR_NOMEM;
      }
    }
    *sessions = list;
    return static_cast<int>(devices.size());
  });
}

int store_session(const signal_protocol_address* address, uint8_t* record, size_t record_len, uint8_t*, size_t, void* ud) {
  return guarded(ud, "save session", [&] {
    auto status = self(ud).store().save_session(to_address(address), crypto::Bytes(record, record + record_len));
    return status.ok() ? 0 : failed(ud, status);
  });
}

int contains_session(const signal_protocol_address* address, void* ud) {
  return guarded(ud, "load session", [&] {
    std::optional<crypto::Bytes> bytes;
    auto status = self(ud).store().load_session(to_address(address), bytes);
    if (!status.ok()) return failed(ud, status);
    return bytes ? 1 : 0;
  });
}

int delete_session(const signal_protocol_address* address, void* ud) {
  return guarded(ud, "delete session", [&] {
    std::optional<crypto::Bytes> bytes;
    auto status = self(ud).store().load_session(to_address(address), bytes);
    if (status.ok() && bytes) status = self(ud).store().delete_session(to_address(address));
    if (!status.ok()) return failed(ud, status);
    return bytes ? 1 : 0;
  });
}

int delete_all_sessions(const char* name, size_t name_len, void* ud) {
  return guarded(ud, "delete sessions", [&] {
    std::string n(name, name_len);
    std::vector<std::int32_t> devices;
    auto status = self(ud).store().list_session_devices(n, devices);
    if (status.ok()) status = self(ud).store().delete_all_sessions(n);
    if (!status.ok()) return failed(ud, status);
    return static_cast<int>(devices.size());
  });
}

// ---- prekey store ----

int load_pre_key(signal_buffer** record, uint32_t id, void* ud) {
  return guarded(ud, "load prekey", [&] {
    std::optional<store::PreKeyRecord> key;
    auto status = self(ud).store().load_pre_key(id, key);
    if (!status.ok()) return failed(ud, status);
    if (!key) return SG_ERR_INVALID_KEY_ID;
    return self(ud).serialize_pre_key(*key, record) ? SG_SUCCESS : SG_ERR_INVALID_KEY;
  });
}

int store_pre_key(uint32_t id, uint8_t* record, size_t record_len, void* ud) {
  return guarded(ud, "save prekey", [&] {
    store::PreKeyRecord key;
    if (!self(ud).parse_pre_key(record, record_len, key)) return SG_ERR_INVALID_PROTO_BUF;
    key.id = id;
    auto status = self(ud).store().save_pre_key(key);
    return status.ok() ? 0 : failed(ud, status);
  });
}

int contains_pre_key(uint32_t id, void* ud) {
  return guarded(ud, "load prekey", [&] {
    std::optional<store::PreKeyRecord> key;
    auto status = self(ud).store().load_pre_key(id, key);
    if (!status.ok()) return failed(ud, status);
    return key ? 1 : 0;
  });
}

int remove_pre_key(uint32_t id, void* ud) {
  return guarded(ud, "remove prekey", [&] {
    auto status = self(ud).store().remove_pre_key(id);
    return status.ok() ? 0 : failed(ud, status);
  });
}

// ---- signed prekey store ----

int load_signed_pre_key(signal_buffer** record, uint32_t id, void* ud) {
  return guarded(ud, "load signed prekey", [&] {
    std::optional<store::SignedPreKeyRecord> key;
    auto status = self(ud).store().load_signed_pre_key(id, key);
    if (!status.ok()) return failed(ud, status);
    if (!key) return SG_ERR_INVALID_KEY_ID;
    return self(ud).serialize_signed_pre_key(*key, record) ? SG_SUCCESS : SG_ERR_INVALID_KEY;
  });
}

int store_signed_pre_key(uint32_t id, uint8_t* record, size_t record_len, void* ud) {
  return guarded(ud, "save signed prekey", [&] {
    store::SignedPreKeyRecord key;
    if (!self(ud).parse_signed_pre_key(record, record_len, key)) return SG_ERR_INVALID_PROTO_BUF;
    key.id = id;
    auto status = self(ud).store().save_signed_pre_key(key);
    return status.ok() ? 0 : failed(ud, status);
  });
}

int contains_signed_pre_key(uint32_t id, void* ud) {
  return guarded(ud, "load signed prekey", [&] {
    std::optional<store::SignedPreKeyRecord> key;
    auto status = self(ud).store().load_signed_pre_key(id, key);
    if (!status.ok()) return failed(ud, status);
    return key ? 1 : 0;
  });
}

int remove_signed_pre_key(uint32_t id, void* ud) {
  return guarded(ud, "remove signed prekey", [&] {
    auto status = self(ud).store().remove_signed_pre_key(id);
    return status.ok() ? 0 : failed(ud, status);
  });
}

// ---- identity store ----

int get_identity_key_pair(signal_buffer** public_data, signal_buffer** private_data, void* ud) {
  return guarded(ud, "load own identity", [&] {
    std::optional<store::LocalIdentity> identity;
    auto status = self(ud).store().load_local_identity(identity);
    if (!status.ok()) return failed(ud, status);
    if (!identity) {
      self(ud).record_store_error("the agent has no Signal identity");
      return SG_ERR_INVALID_KEY;
    }
    std::uint8_t typed[33];
    typed[0] = 0x05;
    std::memcpy(typed + 1, identity->identity.public_key.data(), 32);
    *public_data = signal_buffer_create(typed, sizeof typed);
    *private_data = signal_buffer_create(identity->identity.private_key.data(), 32);
    return (*public_data && *private_data) ? 0 : SG_ERR_NOMEM;
  });
}

int get_local_registration_id(void* ud, uint32_t* registration_id) {
  return guarded(ud, "load own identity", [&] {
    std::optional<store::LocalIdentity> identity;
    auto status = self(ud).store().load_local_identity(identity);
    if (!status.ok()) return failed(ud, status);
    if (!identity) {
      self(ud).record_store_error("the agent has no Signal identity");
      return SG_ERR_INVALID_KEY;
    }
    *registration_id = identity->registration_id;
    return 0;
  });
}

int save_identity(const signal_protocol_address* address, uint8_t* key_data, size_t key_len, void* ud) {
  return guarded(ud, "save identity", [&] {
    SignalStoreStatus status;
    if (!key_data) {
      status = self(ud).store().delete_identity(to_address(address));
    } else {
      crypto::Key32 key;
      if (!raw_key_from_serialized(key_data, key_len, key)) return SG_ERR_INVALID_KEY;
      status = self(ud).store().save_identity(to_address(address), key);
    }
    return status.ok() ? 0 : failed(ud, status);
  });
}

int is_trusted_identity(const signal_protocol_address* address, uint8_t* key_data, size_t key_len, void* ud) {
  return guarded(ud, "load identity", [&] {
    crypto::Key32 key;
    if (!raw_key_from_serialized(key_data, key_len, key)) return SG_ERR_INVALID_KEY;
    std::optional<crypto::Key32> known;
    auto status = self(ud).store().load_identity(to_address(address), known);
    if (!status.ok()) return failed(ud, status);
    // Trust on first use; a different key is untrusted here, and SignalProtocol decides what to do
    // (drop the old identity and session, then retry), as whatsmeow's AutoTrustIdentity does.
    return (!known || *known == key) ? 1 : 0;
  });
}

// ---- sender key store ----

int store_sender_key(const signal_protocol_sender_key_name* name, uint8_t* record, size_t record_len, uint8_t*, size_t,
                     void* ud) {
  return guarded(ud, "save sender key", [&] {
    auto status = self(ud).store().save_sender_key(to_sender_key_name(name), crypto::Bytes(record, record + record_len));
    return status.ok() ? 0 : failed(ud, status);
  });
}

int load_sender_key(signal_buffer** record, signal_buffer**, const signal_protocol_sender_key_name* name, void* ud) {
  return guarded(ud, "load sender key", [&] {
    std::optional<crypto::Bytes> bytes;
    auto status = self(ud).store().load_sender_key(to_sender_key_name(name), bytes);
    if (!status.ok()) return failed(ud, status);
    if (!bytes) return 0;
    *record = signal_buffer_create(bytes->data(), bytes->size());
    return *record ? 1 : SG_ERR_NOMEM;
  });
}

}  // namespace

std::unique_ptr<SignalStoreAdapter> SignalStoreAdapter::create(store::SignalStore& store, signal_context* context,
                                                               std::string* error) {
  std::unique_ptr<SignalStoreAdapter> adapter(new SignalStoreAdapter(store, context));
  auto fail = [&](const char* what, int rc) {
    if (error) *error = std::string("failed to set up the Signal store: ") + what + " returned " + std::to_string(rc);
    return std::unique_ptr<SignalStoreAdapter>();
  };
  int rc = signal_protocol_store_context_create(&adapter->store_context_, context);
  if (rc != 0) return fail("signal_protocol_store_context_create", rc);
  void* ud = adapter.get();

  signal_protocol_session_store sessions{};
  sessions.load_session_func = load_session;
  sessions.get_sub_device_sessions_func = get_sub_device_sessions;
  sessions.store_session_func = store_session;
  sessions.contains_session_func = contains_session;
  sessions.delete_session_func = delete_session;
  sessions.delete_all_sessions_func = delete_all_sessions;
  sessions.user_data = ud;
  if ((rc = signal_protocol_store_context_set_session_store(adapter->store_context_, &sessions)) != 0)
    return fail("set_session_store", rc);

  signal_protocol_pre_key_store pre_keys{};
  pre_keys.load_pre_key = load_pre_key;
  pre_keys.store_pre_key = store_pre_key;
  pre_keys.contains_pre_key = contains_pre_key;
  pre_keys.remove_pre_key = remove_pre_key;
  pre_keys.user_data = ud;
  if ((rc = signal_protocol_store_context_set_pre_key_store(adapter->store_context_, &pre_keys)) != 0)
    return fail("set_pre_key_store", rc);

  signal_protocol_signed_pre_key_store signed_pre_keys{};
  signed_pre_keys.load_signed_pre_key = load_signed_pre_key;
  signed_pre_keys.store_signed_pre_key = store_signed_pre_key;
  signed_pre_keys.contains_signed_pre_key = contains_signed_pre_key;
  signed_pre_keys.remove_signed_pre_key = remove_signed_pre_key;
  signed_pre_keys.user_data = ud;
  if ((rc = signal_protocol_store_context_set_signed_pre_key_store(adapter->store_context_, &signed_pre_keys)) != 0)
    return fail("set_signed_pre_key_store", rc);

  signal_protocol_identity_key_store identities{};
  identities.get_identity_key_pair = get_identity_key_pair;
  identities.get_local_registration_id = get_local_registration_id;
  identities.save_identity = save_identity;
  identities.is_trusted_identity = is_trusted_identity;
  identities.user_data = ud;
  if ((rc = signal_protocol_store_context_set_identity_key_store(adapter->store_context_, &identities)) != 0)
    return fail("set_identity_key_store", rc);

  signal_protocol_sender_key_store sender_keys{};
  sender_keys.store_sender_key = store_sender_key;
  sender_keys.load_sender_key = load_sender_key;
  sender_keys.user_data = ud;
  if ((rc = signal_protocol_store_context_set_sender_key_store(adapter->store_context_, &sender_keys)) != 0)
    return fail("set_sender_key_store", rc);
  return adapter;
}

SignalStoreAdapter::~SignalStoreAdapter() {
  if (store_context_) signal_protocol_store_context_destroy(store_context_);
}

std::string SignalStoreAdapter::take_store_error() {
  std::string e;
  e.swap(last_error_);
  return e;
}

void SignalStoreAdapter::record_store_error(std::string error) { last_error_ = std::move(error); }

bool SignalStoreAdapter::serialize_pre_key(const store::PreKeyRecord& record, signal_buffer** out) const {
  SignalRef<ec_key_pair> pair;
  if (!make_key_pair(record.key_pair, context_, pair)) return false;
  SignalRef<session_pre_key> key;
  if (session_pre_key_create(key.out(), record.id, pair.get()) != 0) return false;
  return session_pre_key_serialize(out, key.get()) == 0;
}

bool SignalStoreAdapter::parse_pre_key(const std::uint8_t* data, std::size_t len, store::PreKeyRecord& out) const {
  SignalRef<session_pre_key> key;
  if (session_pre_key_deserialize(key.out(), data, len, context_) != 0) return false;
  out.id = session_pre_key_get_id(key.get());
  return read_key_pair(session_pre_key_get_key_pair(key.get()), out.key_pair);
}

bool SignalStoreAdapter::serialize_signed_pre_key(const store::SignedPreKeyRecord& record, signal_buffer** out) const {
  SignalRef<ec_key_pair> pair;
  if (!make_key_pair(record.key_pair, context_, pair)) return false;
  SignalRef<session_signed_pre_key> key;
  if (session_signed_pre_key_create(key.out(), record.id, record.created_ms, pair.get(), record.signature.data(),
                                    record.signature.size()) != 0)
    return false;
  return session_signed_pre_key_serialize(out, key.get()) == 0;
}

bool SignalStoreAdapter::parse_signed_pre_key(const std::uint8_t* data, std::size_t len, store::SignedPreKeyRecord& out) const {
  SignalRef<session_signed_pre_key> key;
  if (session_signed_pre_key_deserialize(key.out(), data, len, context_) != 0) return false;
  if (session_signed_pre_key_get_signature_len(key.get()) != 64) return false;
  out.id = session_signed_pre_key_get_id(key.get());
  out.created_ms = session_signed_pre_key_get_timestamp(key.get());
  std::memcpy(out.signature.data(), session_signed_pre_key_get_signature(key.get()), 64);
  return read_key_pair(session_signed_pre_key_get_key_pair(key.get()), out.key_pair);
}

}  // namespace wabot::engine::signal
