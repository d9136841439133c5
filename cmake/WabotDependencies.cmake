# Every third-party library wabot uses, found the way that works on Debian 12 (see docs/dependencies.md).

# Poco::DataPostgreSQL links "PostgreSQL::client", which Debian's Poco config never defines.
find_package(PostgreSQL REQUIRED)
if(NOT TARGET PostgreSQL::client)
  add_library(PostgreSQL::client INTERFACE IMPORTED)
  target_link_libraries(PostgreSQL::client INTERFACE PostgreSQL::PostgreSQL)
endif()

find_package(Poco 1.11 REQUIRED COMPONENTS
  Foundation Net NetSSL Crypto JSON Util Data DataSQLite DataPostgreSQL)
find_package(Boost 1.74 REQUIRED COMPONENTS filesystem)   # Boost.DLL is header-only
find_package(OpenSSL 3 REQUIRED)
find_package(yaml-cpp 0.7 REQUIRED CONFIG)                 # target: yaml-cpp (no namespace in 0.7)
find_package(prometheus-cpp REQUIRED CONFIG)               # ships no version file
find_package(Protobuf 3.21 REQUIRED)                       # CMake's FindProtobuf module
find_package(PNG REQUIRED)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SIGNAL   REQUIRED IMPORTED_TARGET libsignal-protocol-c)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
pkg_check_modules(CPPUNIT  REQUIRED IMPORTED_TARGET cppunit)
