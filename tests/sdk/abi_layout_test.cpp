// SPDX-License-Identifier: MIT
// Layout checks of the v1 ABI structs: every struct starts with struct_size, and the offsets of the
// v1.0 fields are frozen (an accidental reorder or insertion fails the build).
#include <wabot/abi.h>

#include <cppunit/extensions/HelperMacros.h>

#include <cstddef>
#include <type_traits>

#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
#define WABOT_LP64 1
#endif

// Every ABI struct is standard-layout and trivially copyable (plain C), and begins with its size.
#define WABOT_CHECK_STRUCT(T)                                        \
  static_assert(std::is_standard_layout_v<T>, #T " is plain C");      \
  static_assert(std::is_trivially_copyable_v<T>, #T " is plain C");  \
  static_assert(offsetof(T, struct_size) == 0, #T " starts with struct_size");

WABOT_CHECK_STRUCT(wabot_log_service_v1)
WABOT_CHECK_STRUCT(wabot_config_key)
WABOT_CHECK_STRUCT(wabot_config_service_v1)
WABOT_CHECK_STRUCT(wabot_http_request)
WABOT_CHECK_STRUCT(wabot_http_service_v1)
WABOT_CHECK_STRUCT(wabot_message)
WABOT_CHECK_STRUCT(wabot_receipt)
WABOT_CHECK_STRUCT(wabot_session_state_change)
WABOT_CHECK_STRUCT(wabot_qr_update)
WABOT_CHECK_STRUCT(wabot_event)
WABOT_CHECK_STRUCT(wabot_events_service_v1)
WABOT_CHECK_STRUCT(wabot_session_info)
WABOT_CHECK_STRUCT(wabot_session_create)
WABOT_CHECK_STRUCT(wabot_session_filter)
WABOT_CHECK_STRUCT(wabot_sessions_service_v1)
WABOT_CHECK_STRUCT(wabot_message_id)
WABOT_CHECK_STRUCT(wabot_send_text)
WABOT_CHECK_STRUCT(wabot_send_media)
WABOT_CHECK_STRUCT(wabot_messaging_service_v1)
WABOT_CHECK_STRUCT(wabot_scheduler_service_v1)
WABOT_CHECK_STRUCT(wabot_plugin_info)
WABOT_CHECK_STRUCT(wabot_health)
WABOT_CHECK_STRUCT(wabot_agent_health)
WABOT_CHECK_STRUCT(wabot_health_service_v1)
WABOT_CHECK_STRUCT(wabot_agent_stats)
WABOT_CHECK_STRUCT(wabot_ai_execution)
WABOT_CHECK_STRUCT(wabot_store_service_v1)
WABOT_CHECK_STRUCT(wabot_host_api)
WABOT_CHECK_STRUCT(wabot_plugin_descriptor)

// Fixed-width types, so a plugin from another compiler agrees on sizes.
static_assert(sizeof(wabot_status) == 4 && sizeof(wabot_event_kind) == 4 && sizeof(wabot_timer_id) == 8);
static_assert(sizeof(wabot_str_view) == 2 * sizeof(void*));
static_assert(sizeof(wabot_str_pair) == 2 * sizeof(wabot_str_view));

#ifdef WABOT_LP64
// The frozen v1.0 layout on LP64 (x86-64, aarch64). New fields only ever go after the last one here.
static_assert(sizeof(wabot_plugin_descriptor) == 96);
static_assert(offsetof(wabot_plugin_descriptor, abi_major) == 8);
static_assert(offsetof(wabot_plugin_descriptor, abi_minor) == 12);
static_assert(offsetof(wabot_plugin_descriptor, name) == 16);
static_assert(offsetof(wabot_plugin_descriptor, version) == 24);
static_assert(offsetof(wabot_plugin_descriptor, config_keys) == 32);
static_assert(offsetof(wabot_plugin_descriptor, config_key_count) == 40);
static_assert(offsetof(wabot_plugin_descriptor, create) == 48);
static_assert(offsetof(wabot_plugin_descriptor, destroy) == 72);
static_assert(offsetof(wabot_plugin_descriptor, on_message) == 80);
static_assert(offsetof(wabot_plugin_descriptor, on_event) == 88);
static_assert(sizeof(wabot_host_api) == 40);
static_assert(offsetof(wabot_host_api, get_service) == 16);
static_assert(offsetof(wabot_host_api, set_error) == 32);
static_assert(sizeof(wabot_config_key) == 40);
static_assert(sizeof(wabot_log_service_v1) == 24);
static_assert(sizeof(wabot_config_service_v1) == 56);
static_assert(sizeof(wabot_http_service_v1) == 40);
static_assert(sizeof(wabot_http_request) == 168);
static_assert(offsetof(wabot_http_request, path_params) == 120);
static_assert(sizeof(wabot_event) == 104);  // 1.1: ai_execution, http_request
static_assert(offsetof(wabot_event, message) == 56);
static_assert(offsetof(wabot_message, is_from_me) == 156);  // the 1.2 end: unchanged
static_assert(offsetof(wabot_message, flags) == 160);       // ABI 1.3, appended
static_assert(sizeof(wabot_message) == 168);
static_assert(offsetof(wabot_message, timestamp_ms) == 144);
static_assert(sizeof(wabot_session_info) == 216);  // 1.1: me_lid appended
static_assert(offsetof(wabot_sessions_service_v1, wait_qr) == 48);        // the 1.0 end: unchanged
static_assert(offsetof(wabot_sessions_service_v1, check_api_key) == 56);  // ABI 1.1, appended
static_assert(offsetof(wabot_sessions_service_v1, get_api_key) == 64);    // ABI 1.1, appended
static_assert(sizeof(wabot_sessions_service_v1) == 72);
static_assert(sizeof(wabot_message_id) == 144);
static_assert(sizeof(wabot_send_text) == 112);
static_assert(sizeof(wabot_messaging_service_v1) == 32);
static_assert(sizeof(wabot_scheduler_service_v1) == 32);
static_assert(offsetof(wabot_health, plugin_count) == 88);       // the 1.1 end: unchanged
static_assert(offsetof(wabot_health, decrypt_failures) == 96);    // ABI 1.2, appended
static_assert(offsetof(wabot_health, sends_queued) == 104);       // ABI 1.2
static_assert(offsetof(wabot_health, agents) == 112);             // ABI 1.2
static_assert(offsetof(wabot_health, agent_count) == 120);        // ABI 1.2
static_assert(sizeof(wabot_health) == 128);
static_assert(sizeof(wabot_agent_health) == 40);                  // ABI 1.2
static_assert(sizeof(wabot_plugin_info) == 64);
static_assert(sizeof(wabot_store_service_v1) == 48);
#endif

class AbiLayoutTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AbiLayoutTest);
  CPPUNIT_TEST(hasFieldReadsOnlyWhatTheProducerHad);
  CPPUNIT_TEST(statusZeroIsNotOk);
  CPPUNIT_TEST_SUITE_END();

 public:
  // A descriptor from an older, shorter build: on_event is beyond its struct_size.
  void hasFieldReadsOnlyWhatTheProducerHad() {
    wabot_plugin_descriptor d{};
    d.struct_size = offsetof(wabot_plugin_descriptor, on_message);
    CPPUNIT_ASSERT(WABOT_HAS_FIELD(wabot_plugin_descriptor, &d, destroy));
    CPPUNIT_ASSERT(!WABOT_HAS_FIELD(wabot_plugin_descriptor, &d, on_message));
    CPPUNIT_ASSERT(!WABOT_HAS_FIELD(wabot_plugin_descriptor, &d, on_event));
    d.struct_size = sizeof(d);
    CPPUNIT_ASSERT(WABOT_HAS_FIELD(wabot_plugin_descriptor, &d, on_event));
  }
  void statusZeroIsNotOk() {
    CPPUNIT_ASSERT(WABOT_STATUS_UNSET == 0);
    CPPUNIT_ASSERT(WABOT_OK != 0);
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(AbiLayoutTest);
