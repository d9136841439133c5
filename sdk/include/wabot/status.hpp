// SPDX-License-Identifier: MIT
// Status: an ABI status code plus a message, the value every wrapper returns instead of throwing.
#pragma once

#include <wabot/abi.h>

#include <string>
#include <string_view>
#include <utility>

namespace wabot {

// The code's name as the wire/log spelling: "OK", "NOT_READY", ...
constexpr std::string_view status_name(wabot_status code) noexcept {
  switch (code) {
    case WABOT_OK: return "OK";
    case WABOT_ERR_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case WABOT_ERR_NOT_FOUND: return "NOT_FOUND";
    case WABOT_ERR_ALREADY_EXISTS: return "ALREADY_EXISTS";
    case WABOT_ERR_UNSUPPORTED: return "UNSUPPORTED";
    case WABOT_ERR_RATE_LIMITED: return "RATE_LIMITED";
    case WABOT_ERR_NOT_READY: return "NOT_READY";
    case WABOT_ERR_BAD_GATEWAY: return "BAD_GATEWAY";
    case WABOT_ERR_TIMEOUT: return "TIMEOUT";
    case WABOT_ERR_TOO_LARGE: return "TOO_LARGE";
    case WABOT_ERR_CONFIG: return "CONFIG";
    case WABOT_ERR_RETRY: return "RETRY";
    case WABOT_ERR_INTERNAL: return "INTERNAL";
    default: return "UNSET";
  }
}

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(wabot_status code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  static Status error(wabot_status code, std::string message) { return {code, std::move(message)}; }

  bool is_ok() const noexcept { return code_ == WABOT_OK; }
  explicit operator bool() const noexcept { return is_ok(); }
  wabot_status code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  // "NOT_READY: session bot-1 is not connected"
  std::string to_string() const {
    std::string out(status_name(code_));
    if (!message_.empty()) out.append(": ").append(message_);
    return out;
  }

 private:
  wabot_status code_ = WABOT_OK;
  std::string message_;
};

// A value or a Status; `value()` is only meaningful when `is_ok()`.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}
  Result(Status status) : status_(std::move(status)) {}
  bool is_ok() const noexcept { return status_.is_ok(); }
  explicit operator bool() const noexcept { return is_ok(); }
  const Status& status() const noexcept { return status_; }
  T& value() & { return value_; }
  const T& value() const& { return value_; }
  T&& value() && { return std::move(value_); }

 private:
  T value_{};
  Status status_;
};

// Views across the boundary.
inline wabot_str_view to_view(std::string_view s) noexcept { return {s.data(), s.size()}; }
inline std::string_view from_view(wabot_str_view v) noexcept {
  return v.ptr ? std::string_view(v.ptr, v.len) : std::string_view();
}
inline std::string to_string(wabot_str_view v) { return std::string(from_view(v)); }

}  // namespace wabot
