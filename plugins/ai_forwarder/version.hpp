// SPDX-License-Identifier: GPL-3.0-or-later
// The ai_forwarder plugin's own version (semver, independent of the host's).
#pragma once

#define AI_FORWARDER_VERSION "0.2.0"
