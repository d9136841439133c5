// SPDX-License-Identifier: GPL-3.0-or-later
// MediaPreview: writes a sent media file under media.temp_dir with a generated name.
#pragma once

#include <string>
#include <string_view>

namespace rest_api {

struct MediaPreview {
  std::string path;   // when written
  std::string error;  // when not

  // `<temp_dir>/wabot-<agentId>-<16 random hex>.<ext of mime>`; the client's file name is never a path.
  static MediaPreview write(const std::string& temp_dir, std::string_view agent_id, std::string_view mime_type,
                            std::string_view bytes);
};

}  // namespace rest_api
