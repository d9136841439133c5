// SPDX-License-Identifier: GPL-3.0-or-later
// The ABI handshake on a plugin descriptor.
#include "host/plugins/descriptor_check.hpp"

namespace wabot::plugins {

namespace {
std::string version_text(uint32_t major, uint32_t minor) { return std::to_string(major) + "." + std::to_string(minor); }
}  // namespace

std::string check_descriptor(const wabot_plugin_descriptor* d) {
  if (!d) return "entry point returned no descriptor";
  if (d->struct_size < offsetof(wabot_plugin_descriptor, name))
    return "descriptor struct is too small (" + std::to_string(d->struct_size) + " bytes)";
  if (d->abi_major != WABOT_ABI_VERSION_MAJOR)
    return "ABI major " + std::to_string(d->abi_major) + " differs from the host's " + std::to_string(WABOT_ABI_VERSION_MAJOR);
  if (d->abi_minor > WABOT_ABI_VERSION_MINOR)
    return "built against ABI " + version_text(d->abi_major, d->abi_minor) + ", newer than the host's " +
           version_text(WABOT_ABI_VERSION_MAJOR, WABOT_ABI_VERSION_MINOR);
  if (d->struct_size < required_descriptor_size)
    return "descriptor struct is too small (" + std::to_string(d->struct_size) + " bytes, ABI " +
           version_text(d->abi_major, d->abi_minor) + " needs at least " + std::to_string(required_descriptor_size) + ")";
  if (!d->create) return "required callback 'create' is missing";
  if (!d->start) return "required callback 'start' is missing";
  if (!d->stop) return "required callback 'stop' is missing";
  if (!d->destroy) return "required callback 'destroy' is missing";
  return {};
}

}  // namespace wabot::plugins
