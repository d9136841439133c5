// SPDX-License-Identifier: GPL-3.0-or-later
// Signal addresses formed from WhatsApp JIDs the way the references form them.
#pragma once

#include "host/engine/signal/signal_error.hpp"
#include "host/engine/store/signal_store.hpp"

#include <cstdint>
#include <string_view>

namespace wabot::engine::signal {

using store::SenderKeyName;
using store::SignalAddress;

// name = user for s.whatsapp.net (PN), user_<domainType> otherwise: lid → _1, hosted → _128,
// hosted.lid → _129. Fails for servers that carry no Signal identity (g.us, broadcast, ...).
Result<SignalAddress, SignalError> signal_address_for(std::string_view user, std::string_view server, std::int32_t device);

// Parses "user[.agent][:device]@server" (device 0 when absent) and forms the address as above.
Result<SignalAddress, SignalError> signal_address_from_jid(std::string_view jid);

}  // namespace wabot::engine::signal
