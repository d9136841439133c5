// SPDX-License-Identifier: MIT
/* Compiled as C11 with -Wall -Wextra -pedantic -Werror by the test sdk_abi_compiles_as_c11: proves
 * abi.h is pure C, and that a C plugin can fill a descriptor and use the tables. */
#include <wabot/abi.h>

/* A health visitor as a C plugin writes it: the 1.2 engine health only when the host filled it. */
static void c_health(void* user_data, const wabot_health* h) {
  uint64_t* queued = (uint64_t*)user_data;
  size_t i;
  if (!WABOT_HAS_FIELD(wabot_health, h, agent_count)) return;
  for (i = 0; h->agents && i < h->agent_count; ++i) *queued += h->agents[i]->sends_queued;
}
static wabot_status c_create(const wabot_host_api* api, wabot_host* host, wabot_plugin_state** out_state) {
  const wabot_log_service_v1* log = (const wabot_log_service_v1*)api->get_service(host, (wabot_str_view){"log", 3}, 1);
  if (log && WABOT_HAS_FIELD(wabot_log_service_v1, log, write)) {
    log->write(host, WABOT_LOG_INFO, (wabot_str_view){"hello from C", 12}, NULL, 0);
  }
  {
    const wabot_health_service_v1* health =
        (const wabot_health_service_v1*)api->get_service(host, (wabot_str_view){"health", 6}, 1);
    uint64_t queued = 0;
    if (health) health->snapshot(host, c_health, &queued);
  }
  *out_state = NULL;
  return WABOT_OK;
}
static wabot_status c_start(wabot_plugin_state* state) { (void)state; return WABOT_OK; }
static wabot_status c_stop(wabot_plugin_state* state) { (void)state; return WABOT_OK; }
static void c_destroy(wabot_plugin_state* state) { (void)state; }

static const wabot_config_key c_keys[] = {
  {sizeof(wabot_config_key), "interval", WABOT_CONFIG_DURATION, "1h", "how often"},
};

static const wabot_plugin_descriptor c_descriptor = {
  sizeof(wabot_plugin_descriptor), WABOT_ABI_VERSION_MAJOR, WABOT_ABI_VERSION_MINOR, "c_plugin", "0.1.0",
  c_keys, sizeof c_keys / sizeof c_keys[0], c_create, c_start, c_stop, c_destroy, NULL, NULL,
};

WABOT_EXPORT const wabot_plugin_descriptor* wabot_plugin_v1(void) { return &c_descriptor; }

_Static_assert(WABOT_OK != 0, "zero is never success");
_Static_assert(WABOT_EVENT_BIT(WABOT_EVENT_QR_UPDATED) == 32u, "event bits");
