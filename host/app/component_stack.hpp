// SPDX-License-Identifier: GPL-3.0-or-later
// The host's start/stop order: components start one after another and stop in reverse order,
// each step logged, so a failed start unwinds exactly what had started.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wabot::app {

class Component {
 public:
  virtual ~Component() = default;
  virtual std::string_view name() const = 0;
  // Empty on success, else the cause ("failed to listen on 0.0.0.0:3000: address in use").
  virtual std::string start() = 0;
  // Called once, only after a successful start. Must not throw.
  virtual void stop() = 0;
};

// A component made of two functions, for parts that are not classes of their own.
class FunctionComponent : public Component {
 public:
  FunctionComponent(std::string name, std::function<std::string()> start, std::function<void()> stop)
      : name_(std::move(name)), start_(std::move(start)), stop_(std::move(stop)) {}
  std::string_view name() const override { return name_; }
  std::string start() override { return start_ ? start_() : std::string(); }
  void stop() override {
    if (stop_) stop_();
  }

 private:
  std::string name_;
  std::function<std::string()> start_;
  std::function<void()> stop_;
};

class ComponentStack {
 public:
  ~ComponentStack() { stop_all(); }

  // Starts the component and keeps it when it started. Empty on success, else
  // "failed to start NAME: cause" (the component is dropped; the ones before it keep running).
  std::string start(std::unique_ptr<Component> component);

  // Stops every started component, last started first. Idempotent.
  void stop_all();

  std::vector<std::string> started_names() const;

 private:
  std::vector<std::unique_ptr<Component>> started_;
};

}  // namespace wabot::app
