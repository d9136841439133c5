// SPDX-License-Identifier: GPL-3.0-or-later
// Owning handles for libsignal's reference-counted objects and buffers (internal to this layer).
#pragma once

#include <signal_protocol.h>

#include "host/engine/crypto/crypto.hpp"

namespace wabot::engine::signal {

// Holds one reference to a libsignal object (anything starting with signal_type_base).
template <typename T>
class SignalRef {
 public:
  SignalRef() = default;
  explicit SignalRef(T* p) : p_(p) {}
  ~SignalRef() { reset(); }
  SignalRef(const SignalRef&) = delete;
  SignalRef& operator=(const SignalRef&) = delete;
  SignalRef(SignalRef&& other) noexcept : p_(other.p_) { other.p_ = nullptr; }

  T* get() const { return p_; }
  // For libsignal out-parameters: releases the current object and exposes the slot.
  T** out() {
    reset();
    return &p_;
  }
  void reset() {
    if (p_) signal_type_unref(reinterpret_cast<signal_type_base*>(p_));
    p_ = nullptr;
  }

 private:
  T* p_ = nullptr;
};

// Owns a signal_buffer; wipes it on release because buffers often hold keys or plaintext.
class SignalBuffer {
 public:
  SignalBuffer() = default;
  explicit SignalBuffer(signal_buffer* b) : b_(b) {}
  ~SignalBuffer() { reset(); }
  SignalBuffer(const SignalBuffer&) = delete;
  SignalBuffer& operator=(const SignalBuffer&) = delete;

  signal_buffer* get() const { return b_; }
  signal_buffer** out() {
    reset();
    return &b_;
  }
  void reset() {
    if (b_) signal_buffer_bzero_free(b_);
    b_ = nullptr;
  }
  crypto::Bytes bytes() const {
    if (!b_) return {};
    const std::uint8_t* d = signal_buffer_const_data(b_);
    return crypto::Bytes(d, d + signal_buffer_len(b_));
  }

 private:
  signal_buffer* b_ = nullptr;
};

}  // namespace wabot::engine::signal
