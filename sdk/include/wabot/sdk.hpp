// SPDX-License-Identifier: MIT
// The whole C++ SDK in one include.
#pragma once

#include <wabot/abi.h>
#include <wabot/plugin.hpp>
