// SPDX-License-Identifier: GPL-3.0-or-later
// The rest_api plugin's own version (semver, independent of the host's).
#pragma once

#define REST_API_VERSION "0.2.0"
