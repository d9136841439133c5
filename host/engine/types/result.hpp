// SPDX-License-Identifier: GPL-3.0-or-later
// Result<T, E>: a value or an error (C++20 has no std::expected yet). The one result type of the
// engine: E is the engine Error by default; the Signal and media layers use their own error structs
// (SignalError, MediaError) whose codes callers branch on (a duplicate message, a bad MAC).
#pragma once

#include <utility>
#include <variant>

#include "host/engine/types/error.hpp"

namespace wabot::engine {

template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  using error_type = E;

  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(E error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }

  // The error; on a success an empty one (code unset), so messages built before checking ok() are safe.
  const E& error() const {
    static const E none{};
    return ok() ? none : std::get<1>(v_);
  }

 private:
  std::variant<T, E> v_;
};

// Result<void>: success or an Error.
struct Ok {};
using Status = Result<Ok>;

}  // namespace wabot::engine
