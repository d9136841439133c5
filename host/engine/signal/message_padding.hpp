// SPDX-License-Identifier: GPL-3.0-or-later
// WhatsApp's random padding of Message plaintexts before Signal encryption (enc v="2"), and the
// strict unpadding after decryption. (Lives in the signal layer: it wraps every Signal plaintext.)
#pragma once

#include "host/engine/crypto/crypto.hpp"
#include "host/engine/signal/signal_error.hpp"

#include <cstdint>

namespace wabot::engine::signal {

// The largest padding a sender may use (Baileys pads 1..16, whatsmeow 1..15).
inline constexpr std::uint8_t kMaxPaddingBytes = 16;

// Appends N bytes of value N, N uniformly random in 1..15 (whatsmeow's range; every receiver
// accepts it).
crypto::Bytes pad_message(crypto::ByteView plaintext);

// The same with a chosen N (1..16); invalid_input for any other N. For golden tests.
Result<crypto::Bytes, SignalError> pad_message_with(crypto::ByteView plaintext, std::uint8_t n);

// Removes the padding. Refuses (invalid_message) an empty input, N = 0, N > 16, N > length, or
// padding bytes that are not all N. The result may be empty (a padded empty message).
Result<crypto::Bytes, SignalError> unpad_message(crypto::ByteView padded);

}  // namespace wabot::engine::signal
