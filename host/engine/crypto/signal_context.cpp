// SPDX-License-Identifier: GPL-3.0-or-later
// SignalContext: creation of a libsignal context with our provider and recursive locking.
#include "host/engine/crypto/signal_context.hpp"

#include "host/engine/crypto/signal_crypto_provider.hpp"

#include "host/common/log.hpp"

#include <cstdio>
#include <cstdlib>

namespace wabot::engine::crypto {
namespace {

void lock_cb(void* user_data) { static_cast<SignalContext*>(user_data)->mutex().lock(); }
void unlock_cb(void* user_data) { static_cast<SignalContext*>(user_data)->mutex().unlock(); }

// libsignal explains its failures here ("Bad MAC", "No session for: …"); the caller already gets an
// error value, so these are debug detail. libsignal never logs key material.
void log_cb(int level, const char* message, size_t len, void*) {
  if (!wabot::log::enabled(wabot::log::Level::debug)) return;
  const char* name = level <= SG_LOG_ERROR ? "error" : level == SG_LOG_WARNING ? "warning" : level == SG_LOG_NOTICE ? "notice" : "info";
  wabot::log::debug(std::string_view(message, len), {{"component", "libsignal"}, {"libsignalLevel", name}});
}

}  // namespace

std::unique_ptr<SignalContext> SignalContext::create(std::string* error) {
  std::unique_ptr<SignalContext> self(new SignalContext());
  auto fail = [&](const char* what, int rc) {
    if (error) *error = std::string("failed to set up the Signal context: ") + what + " returned " + std::to_string(rc);
    return std::unique_ptr<SignalContext>();
  };
  // The context's user_data is what libsignal hands to the lock callbacks.
  int rc = signal_context_create(&self->context_, self.get());
  if (rc != 0) return fail("signal_context_create", rc);
  signal_crypto_provider provider = openssl_signal_crypto_provider();
  // Only the HMAC callbacks are validated by libsignal; ours always sets all 11.
  rc = signal_context_set_crypto_provider(self->context_, &provider);
  if (rc != 0) return fail("signal_context_set_crypto_provider", rc);
  rc = signal_context_set_locking_functions(self->context_, lock_cb, unlock_cb);
  if (rc != 0) return fail("signal_context_set_locking_functions", rc);
  rc = signal_context_set_log_function(self->context_, log_cb);
  if (rc != 0) return fail("signal_context_set_log_function", rc);
  return self;
}

SignalContext& SignalContext::process() {
  // Deliberately never destroyed: it may still be used by other static destructors at exit.
  static SignalContext* instance = [] {
    std::string error;
    auto created = create(&error);
    if (!created) {
      std::fprintf(stderr, "%s\n", error.c_str());
      std::abort();
    }
    return created.release();
  }();
  return *instance;
}

SignalContext::~SignalContext() {
  if (context_) signal_context_destroy(context_);
}

}  // namespace wabot::engine::crypto
