// The one main() of every CppUnit test executable: runs all registered suites, prints a summary,
// and exits non-zero when anything failed. WABOT_TEST=Name runs one test or suite by name.
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TextTestProgressListener.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <cppunit/ui/text/TestRunner.h>

#include <cstdlib>
#include <iostream>

int main() {
  CppUnit::TextUi::TestRunner runner;
  runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
  runner.setOutputter(new CppUnit::CompilerOutputter(&runner.result(), std::cerr));
  const char* only = std::getenv("WABOT_TEST");
  bool ok = runner.run(only ? only : "", false, true, true);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
