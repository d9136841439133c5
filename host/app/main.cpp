// SPDX-License-Identifier: GPL-3.0-or-later
// Entry point of the wabot executable.
#include "host/app/application.hpp"

#include <csignal>
#include <pthread.h>

int main(int argc, char** argv) {
  // Block the termination signals before any thread exists: every thread inherits the mask, so
  // only ServerApplication::waitForTerminationRequest (sigwait) receives them and the host stops
  // in order instead of a worker thread dying on the default action.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGQUIT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the process
  return wabot::app::run_application(argc, argv);
}
