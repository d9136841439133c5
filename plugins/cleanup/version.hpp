// SPDX-License-Identifier: GPL-3.0-or-later
// The cleanup plugin's own version (semver, independent of the host's).
#pragma once

#define CLEANUP_VERSION "0.2.0"
