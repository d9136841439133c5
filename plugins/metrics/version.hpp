// SPDX-License-Identifier: GPL-3.0-or-later
// The metrics plugin's own version (semver, independent of the host's).
#pragma once

#define METRICS_VERSION "0.3.0"
