// SPDX-License-Identifier: GPL-3.0-or-later
// ClientState and DisconnectReason: what a Client reports about its connection.
#pragma once

#include <string_view>

namespace wabot::engine::client {

enum class ClientState {
  unset = 0,
  starting,      // loading credentials, connecting, Noise handshake
  awaiting_qr,   // unlinked: showing QR codes, waiting for the phone to scan
  pairing,       // scanned: pair-success handled, waiting for the restart and first login
  connected,     // logged in (<success>), kept alive
  reconnecting,  // lost the connection; waiting for the backoff before trying again
  disconnected,  // stopped and not retrying (stop(), conflict, outdated client, QR timeout, ...)
  logged_out,    // the device was unlinked (by us or the phone); credentials are cleared
  auth_failed,   // the server refused our credentials (401/403/406 failure); credentials are cleared
};

enum class DisconnectReason {
  unset = 0,
  stopped,           // stop() was called
  connection_lost,   // socket closed or failed; a reconnect follows
  keepalive_timeout, // no answer to a ping in time; a reconnect follows
  restart_required,  // stream:error 515; reconnect at once
  server_error,      // stream:error 5xx / failure 5xx; reconnect with backoff
  conflict,          // 440 / <conflict type="replaced">: another connection took over; not retried
  logged_out,        // 401 device_removed or our logout
  auth_failed,       // failure 401/403/406
  client_outdated,   // failure 405: the configured WhatsApp version is stale
  qr_timeout,        // every QR ref expired without a scan
  handshake_failed,  // Noise/certificate failure (e.g. wrong root key); retried with backoff
  store_failed,      // credentials could not be loaded or saved
  protocol_error,    // any other refusal (failure 4xx) we cannot recover from
};

std::string_view state_name(ClientState s);
std::string_view reason_name(DisconnectReason r);

}  // namespace wabot::engine::client
