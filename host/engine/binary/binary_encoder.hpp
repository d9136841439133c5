// SPDX-License-Identifier: GPL-3.0-or-later
// BinaryEncoder: Node -> WhatsApp binary XML (with the leading 0x00 flag byte senders always write).
#pragma once

#include "host/engine/types/node.hpp"

namespace wabot::engine::binary {

// The frame plaintext of a node: flag byte 0x00 followed by the encoded node.
Bytes encode_node(const Node& node);

// Only the node, without the flag byte (for nesting and tests).
void append_node(Bytes& out, const Node& node);

}  // namespace wabot::engine::binary
