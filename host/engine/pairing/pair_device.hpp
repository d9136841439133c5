// SPDX-License-Identifier: GPL-3.0-or-later
// The server's <iq><pair-device><ref/>...</pair-device></iq>: the QR refs of an unlinked connection.
#pragma once

#include <string>
#include <vector>

#include "host/engine/types/node.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::engine::pairing {

struct PairDeviceRequest {
  std::string iq_id;
  std::vector<std::string> refs;  // shown in order; each lives qr_ref_lifetime_ms(index)
};

bool is_pair_device(const Node& node);
// The refs (ASCII) of a pair-device iq; at most 64 kept, each at most 1 KiB.
Result<PairDeviceRequest> parse_pair_device(const Node& iq);

// <iq to="s.whatsapp.net" type="result" id=ID/>: the immediate acknowledgement of a server iq.
Node iq_result_for(const Node& iq);

}  // namespace wabot::engine::pairing
