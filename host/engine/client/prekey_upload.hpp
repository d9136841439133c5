// SPDX-License-Identifier: GPL-3.0-or-later
// The encrypt-namespace iqs: prekey count query and the prekey upload stanza.
#pragma once

#include <string>
#include <vector>

#include "host/engine/client/prekey_store.hpp"
#include "host/engine/store/credentials_store.hpp"
#include "host/engine/types/node.hpp"

namespace wabot::engine::client {

// <iq xmlns="encrypt" type="get" to="s.whatsapp.net" id=ID><count/></iq>
Node prekey_count_iq(const std::string& id);
// The value of <count value="N"/> in the reply; nullopt when absent or not a number.
std::optional<std::uint32_t> parse_prekey_count(const Node& reply);
// <iq xmlns="encrypt" type="set" to="s.whatsapp.net" id=ID> registration, type, identity, list of keys, skey.
Node prekey_upload_iq(const std::string& id, const store::Credentials& creds, const std::vector<PreKey>& keys);

}  // namespace wabot::engine::client
