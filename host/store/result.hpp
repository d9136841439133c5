// SPDX-License-Identifier: GPL-3.0-or-later
// Errors as values for the store: an error code per failure kind plus a message with context.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace wabot::store {

enum class ErrorCode {
  unset = 0,
  invalid_argument,  // the caller passed something the store refuses (bad URL, limit out of range, ...)
  unavailable,       // the database cannot be reached or the pool is exhausted
  constraint,        // a unique/foreign-key/check constraint refused the write
  agent_id_taken,    // the agent_id belongs to another user_id
  migration_failed,  // a schema migration failed and was rolled back
  internal,          // any other database error
};

std::string_view error_code_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::unset;
  std::string message;

  // The same error with "context: " in front of its message, e.g. "failed to save identity of x: ...".
  Error with_context(std::string_view context) const {
    return Error{code, std::string(context) + ": " + message};
  }
};

// Either a value or an Error. Deliberately small: value() on an error (or error() on a value) is a
// programming mistake and is checked by the callers' tests, not at run time.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

inline Error make_error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace wabot::store
