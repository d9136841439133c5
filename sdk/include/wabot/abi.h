// SPDX-License-Identifier: MIT
/* The wabot plugin ABI v1: the whole contract between the wabot host and a plugin, in pure C.
 *
 * Rules that hold for every declaration below (the habits of SQLite's loadable extensions, Envoy's
 * dynamic modules and OBS):
 *  - A plugin exports exactly one symbol, WABOT_PLUGIN_ENTRY_SYMBOL, returning its descriptor.
 *  - Every struct begins with `struct_size` (the sizeof the producer compiled against) and only ever
 *    grows at its end; additions are marked with the ABI minor that added them. A reader reads a field
 *    only when `struct_size` covers it. A behaviour change gets a new function name, never a new
 *    signature.
 *  - Strings and bytes are `{ptr, len}` views. They are NOT NUL-terminated and are BORROWED: valid only
 *    until the call (or callback) that handed them out returns, unless a comment says otherwise.
 *    Whoever allocated memory frees it; no allocator, exception, vtable or C++ type crosses this line.
 *  - Functions return a wabot_status. WABOT_OK (1) is success; zero is never success, so a forgotten
 *    or zero-filled return value is an error. After a host function fails, host_api->last_error()
 *    gives a message with context for the calling thread.
 *  - Threads: lifecycle hooks (create/start/stop/destroy) run on the host's main thread; on_message,
 *    on_event, timers and posted work run on the plugin's own serial queue (never two at once for
 *    one plugin); HTTP handlers run on HTTP worker threads (concurrently). Every host function is
 *    thread-safe and may be called from any thread, including threads the plugin made itself.
 */
#ifndef WABOT_ABI_H
#define WABOT_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Versions ------------------------------------------------------------------------------------ */

/* The host loads a plugin when its ABI major equals the host's and its minor is not newer. */
#define WABOT_ABI_VERSION_MAJOR 1
#define WABOT_ABI_VERSION_MINOR 3

/* The one symbol a plugin exports: `const wabot_plugin_descriptor* wabot_plugin_v1(void)`. */
#define WABOT_PLUGIN_ENTRY_SYMBOL "wabot_plugin_v1"

#if defined(_WIN32)
#define WABOT_EXPORT __declspec(dllexport)
#else
#define WABOT_EXPORT __attribute__((visibility("default")))
#endif

/* True when `ptr` (a struct beginning with struct_size) was produced with `field` present: read a field
 * added by a later minor only when this holds. */
#define WABOT_HAS_FIELD(type, ptr, field) \
  ((ptr)->struct_size >= offsetof(type, field) + sizeof(((const type*)0)->field))

/* ---- Status codes --------------------------------------------------------------------------------- */

typedef int32_t wabot_status;
enum {
  WABOT_STATUS_UNSET = 0,          /* never returned on purpose: a zero return is an error */
  WABOT_OK = 1,
  WABOT_ERR_INVALID_ARGUMENT = 2,  /* a view/struct was malformed or a value out of range */
  WABOT_ERR_NOT_FOUND = 3,         /* unknown session, key, route, ... */
  WABOT_ERR_ALREADY_EXISTS = 4,    /* duplicate route, ... */
  WABOT_ERR_UNSUPPORTED = 5,       /* the host has no backend for this call (e.g. no database) */
  WABOT_ERR_RATE_LIMITED = 6,      /* the agent's send queue is full; try later */
  WABOT_ERR_NOT_READY = 7,         /* the agent's WhatsApp connection is not open */
  WABOT_ERR_BAD_GATEWAY = 8,       /* WhatsApp (or another upstream) rejected the request */
  WABOT_ERR_TIMEOUT = 9,           /* the operation did not finish within its timeout */
  WABOT_ERR_TOO_LARGE = 10,        /* a payload exceeded a configured limit */
  WABOT_ERR_CONFIG = 11,           /* a config key is missing, undeclared or of the wrong type */
  WABOT_ERR_RETRY = 12,            /* transient failure: the same call may succeed later */
  WABOT_ERR_INTERNAL = 13          /* anything else; the message says what */
};

/* ---- Views ---------------------------------------------------------------------------------------- */

typedef struct wabot_str_view {
  const char* ptr; /* may be NULL when len == 0; not NUL-terminated */
  size_t len;
} wabot_str_view;

typedef struct wabot_bytes_view {
  const uint8_t* ptr;
  size_t len;
} wabot_bytes_view;

typedef struct wabot_str_pair {
  wabot_str_view key;
  wabot_str_view value;
} wabot_str_pair;

/* ---- Opaque handles -------------------------------------------------------------------------------- */

/* The host's context for ONE loaded plugin. Host-owned; valid from create until destroy returns. */
typedef struct wabot_host wabot_host;
/* The plugin's own state, created by `create`. Plugin-owned; the host only passes it back. */
typedef struct wabot_plugin_state wabot_plugin_state;
/* A response being built by an HTTP handler. Host-owned; valid only during the handler call. */
typedef struct wabot_http_response wabot_http_response;

/* ---- Log service ("log", major 1) ----------------------------------------------------------------- */

typedef int32_t wabot_log_level;
enum {
  WABOT_LOG_UNSET = 0,
  WABOT_LOG_TRACE = 1,
  WABOT_LOG_DEBUG = 2,
  WABOT_LOG_INFO = 3,
  WABOT_LOG_WARN = 4,
  WABOT_LOG_ERROR = 5
};

typedef struct wabot_log_service_v1 {
  size_t struct_size;
  /* Writes one structured log line tagged with the plugin's name (and the trace id of the event or
   * request being handled on this thread). `fields` may be NULL when `field_count` is 0; all views are
   * copied before return. Never log secrets. Returns INVALID_ARGUMENT for an unknown level. */
  wabot_status (*write)(wabot_host* host, wabot_log_level level, wabot_str_view message,
                        const wabot_str_pair* fields, size_t field_count);
  /* Non-zero when a line at `level` would be written (to skip building expensive messages). */
  int32_t (*is_enabled)(wabot_host* host, wabot_log_level level);
} wabot_log_service_v1;

/* ---- Config service ("config", major 1) ------------------------------------------------------------ */

typedef int32_t wabot_config_type;
enum {
  WABOT_CONFIG_UNSET = 0,
  WABOT_CONFIG_STRING = 1,
  WABOT_CONFIG_INT = 2,      /* signed 64-bit decimal */
  WABOT_CONFIG_BOOL = 3,     /* true/false/yes/no/on/off/1/0 */
  WABOT_CONFIG_DOUBLE = 4,
  WABOT_CONFIG_DURATION = 5  /* "250ms", "30s", "10m", "2h", "1d" or a bare number of seconds */
};

/* One key a plugin accepts in its config subtree. Declared in the descriptor, all keys in one table.
 * Keys not in the table are refused at load time with the key's name. */
typedef struct wabot_config_key {
  size_t struct_size;
  const char* name;          /* NUL-terminated, static; e.g. "max_age" */
  wabot_config_type type;
  const char* default_value; /* NUL-terminated text in the type's syntax; NULL = no default (optional key) */
  const char* description;   /* NUL-terminated, one line, for docs and error messages */
} wabot_config_key;

typedef struct wabot_config_service_v1 {
  size_t struct_size;
  /* Typed getters for the plugin's own keys (declared in its descriptor; the value given in the
   * config, else the declared default). Returned views stay valid until the plugin is destroyed:
   * the config never changes while a plugin is loaded. Errors: NOT_FOUND when the key is declared but
   * has neither a value nor a default; CONFIG when it is undeclared or declared with another type. */
  wabot_status (*get_string)(wabot_host* host, wabot_str_view key, wabot_str_view* out);
  wabot_status (*get_int)(wabot_host* host, wabot_str_view key, int64_t* out);
  wabot_status (*get_bool)(wabot_host* host, wabot_str_view key, int32_t* out);
  wabot_status (*get_double)(wabot_host* host, wabot_str_view key, double* out);
  wabot_status (*get_duration_ms)(wabot_host* host, wabot_str_view key, int64_t* out_ms);
  /* Read-only host keys shared with every plugin, as text, by their dotted name: "media.temp_dir",
   * "media.max_bytes", "ai.backend_url", "ai.timeout", ... NOT_FOUND when the host has no such key.
   * The view stays valid until the plugin is destroyed. */
  wabot_status (*get_shared)(wabot_host* host, wabot_str_view key, wabot_str_view* out);
} wabot_config_service_v1;

/* ---- HTTP service ("http", major 1) ----------------------------------------------------------------- */

/* What a route handler receives. Every view is borrowed for the duration of the handler call. */
typedef struct wabot_http_request {
  size_t struct_size;
  wabot_str_view method;              /* "GET" */
  wabot_str_view path;                /* decoded path without query: "/sessions/bot-1" */
  wabot_str_view route;               /* the matched pattern: "/sessions/{agentId}" */
  wabot_str_view query;               /* raw query string without '?' */
  wabot_str_view body;
  wabot_str_view trace_id;            /* the request's X-Trace-Id (honoured or generated) */
  wabot_str_view client_ip;
  const wabot_str_pair* path_params;  /* {"agentId","bot-1"} */
  size_t path_param_count;
  const wabot_str_pair* query_params; /* decoded; last value wins */
  size_t query_param_count;
  const wabot_str_pair* headers;      /* names lower-cased */
  size_t header_count;
} wabot_http_request;

/* Implemented by the plugin. Called on an HTTP worker thread, possibly concurrently with itself and
 * with the plugin's queue. May block (e.g. on messaging->send_text). Fill the response through the
 * http service's response callbacks. A non-OK return makes the host answer 500 INTERNAL_ERROR. When
 * the plugin is not running (before start, after stop) the host answers 503 without calling it. */
typedef wabot_status (*wabot_http_handler_fn)(void* user_data, const wabot_http_request* request,
                                              wabot_http_response* response);

typedef struct wabot_http_service_v1 {
  size_t struct_size;
  /* Registers `method` + `pattern` ("/sessions/{agentId}/qr"; literal segments and {name} params).
   * Call from create or start (main thread). `user_data` is plugin-owned and must stay valid until
   * destroy. Routes are never removed (plugins are never unloaded before exit). Errors:
   * ALREADY_EXISTS for a (method, pattern) another plugin or this one registered; INVALID_ARGUMENT for
   * a bad method or pattern. */
  wabot_status (*add_route)(wabot_host* host, wabot_str_view method, wabot_str_view pattern,
                            wabot_http_handler_fn handler, void* user_data);
  /* Response callbacks: only valid on the `response` handed to the running handler. Views are copied.
   * set_status: 100..599, else INVALID_ARGUMENT. set_body replaces the body and content type.
   * add_header: appended; X-Trace-Id is set by the host and cannot be overridden. */
  wabot_status (*set_status)(wabot_http_response* response, int32_t status);
  wabot_status (*set_body)(wabot_http_response* response, wabot_str_view content_type, wabot_str_view body);
  wabot_status (*add_header)(wabot_http_response* response, wabot_str_view name, wabot_str_view value);
} wabot_http_service_v1;

/* ---- Events ("events", major 1) and their structs -------------------------------------------------- */

typedef int32_t wabot_event_kind;
enum {
  WABOT_EVENT_UNSET = 0,
  WABOT_EVENT_MESSAGE_RECEIVED = 1, /* `message` set; also delivered to on_message */
  WABOT_EVENT_MESSAGE_SENT = 2,     /* `message` set: the server acknowledged a send of this host */
  WABOT_EVENT_RECEIPT = 3,          /* `receipt` set */
  WABOT_EVENT_SESSION_STATE = 4,    /* `session_state` set */
  WABOT_EVENT_QR_UPDATED = 5,       /* `qr` set */
  WABOT_EVENT_AI_EXECUTION = 6,     /* (1.1) `ai_execution` set: a plugin recorded an AI call (store service) */
  WABOT_EVENT_HTTP_REQUEST = 7      /* (1.1) `http_request` set: a plugin route answered a request */
};
/* Bit for a kind in a subscription mask. */
#define WABOT_EVENT_BIT(kind) (UINT32_C(1) << (kind))

typedef int32_t wabot_message_type;
enum {
  WABOT_MESSAGE_UNSET = 0,
  WABOT_MESSAGE_TEXT = 1,
  WABOT_MESSAGE_IMAGE = 2,
  WABOT_MESSAGE_VIDEO = 3,
  WABOT_MESSAGE_AUDIO = 4,
  WABOT_MESSAGE_DOCUMENT = 5,
  WABOT_MESSAGE_STICKER = 6,
  WABOT_MESSAGE_OTHER = 7
};

typedef struct wabot_message {
  size_t struct_size;
  wabot_str_view id;                 /* stanza id: "3EB0..." */
  wabot_str_view chat_jid;           /* where to reply: the sender's JID, or the group's */
  wabot_str_view sender_jid;         /* the author (differs from chat_jid in groups) */
  wabot_str_view push_name;
  wabot_message_type type;
  wabot_str_view text;               /* text, or a media caption; empty otherwise */
  wabot_str_view quoted_message_id;  /* empty when not a reply */
  const wabot_str_view* mentioned_jids;
  size_t mentioned_count;
  wabot_str_view media_mime_type;    /* media messages only */
  int64_t timestamp_ms;              /* sender's timestamp, Unix ms */
  int32_t is_group;
  int32_t is_from_me;
  /* 1.3: WABOT_MESSAGE_FLAG_* bits; read only when WABOT_HAS_FIELD(wabot_message, m, flags). */
  uint32_t flags;
} wabot_message;

/* 1.3: wabot_message.flags. REPLAYED: the host published this message before a restart and not every
 * plugin's handler had returned for it (it is delivered at least once: de-duplicate by id). */
#define WABOT_MESSAGE_FLAG_REPLAYED 0x1u

typedef int32_t wabot_receipt_type;
enum {
  WABOT_RECEIPT_UNSET = 0,
  WABOT_RECEIPT_DELIVERED = 1,
  WABOT_RECEIPT_READ = 2,
  WABOT_RECEIPT_PLAYED = 3,
  WABOT_RECEIPT_OTHER = 4
};

typedef struct wabot_receipt {
  size_t struct_size;
  wabot_str_view chat_jid;
  wabot_str_view sender_jid;
  const wabot_str_view* message_ids;
  size_t message_id_count;
  wabot_receipt_type type;
  int64_t timestamp_ms;
} wabot_receipt;

/* Live session states, as in the API's liveState.sessionState. */
typedef int32_t wabot_session_state;
enum {
  WABOT_SESSION_UNSET = 0,
  WABOT_SESSION_STARTING = 1,
  WABOT_SESSION_AWAITING_QR = 2,
  WABOT_SESSION_PAIRING = 3,
  WABOT_SESSION_CONNECTED = 4,
  WABOT_SESSION_RECONNECTING = 5,
  WABOT_SESSION_DISCONNECTED = 6,
  WABOT_SESSION_LOGGED_OUT = 7
};

typedef struct wabot_session_state_change {
  size_t struct_size;
  wabot_session_state previous;
  wabot_session_state current;
  wabot_str_view reason; /* free text, may be empty */
} wabot_session_state_change;

typedef struct wabot_qr_update {
  size_t struct_size;
  wabot_str_view text;       /* the raw QR payload ("ref,noiseKey,identityKey,advSecret") */
  wabot_bytes_view png;      /* the rendered PNG */
  int64_t updated_at_ms;
  int64_t expires_at_ms;
} wabot_qr_update;

/* (1.1) One answered HTTP request of a plugin route, for metrics. */
typedef struct wabot_http_request_record {
  size_t struct_size;
  wabot_str_view method;   /* "GET" */
  wabot_str_view route;    /* the matched pattern: "/sessions/{agentId}" (bounded cardinality) */
  int32_t status;          /* the HTTP status sent */
  int64_t duration_ms;     /* time in the handler */
} wabot_http_request_record;

struct wabot_ai_execution; /* defined with the store service below */

/* One event. Borrowed (with everything it points to) for the duration of on_event/on_message. */
typedef struct wabot_event {
  size_t struct_size;
  wabot_event_kind kind;
  wabot_str_view agent_id;
  wabot_str_view trace_id;
  int64_t timestamp_ms;      /* when the host saw it, Unix ms */
  const wabot_message* message;                     /* MESSAGE_RECEIVED, MESSAGE_SENT */
  const wabot_receipt* receipt;                     /* RECEIPT */
  const wabot_session_state_change* session_state;  /* SESSION_STATE */
  const wabot_qr_update* qr;                        /* QR_UPDATED */
  const struct wabot_ai_execution* ai_execution;    /* (1.1) AI_EXECUTION */
  const wabot_http_request_record* http_request;    /* (1.1) HTTP_REQUEST */
} wabot_event;

typedef struct wabot_events_service_v1 {
  size_t struct_size;
  /* Sets the kinds delivered to the descriptor's on_event (a mask of WABOT_EVENT_BIT(kind)). Replaces
   * any earlier mask; 0 unsubscribes. Any thread. INVALID_ARGUMENT for unknown bits, UNSUPPORTED when
   * the plugin has no on_event. MESSAGE_RECEIVED reaches on_message (when set) without subscribing. */
  wabot_status (*subscribe)(wabot_host* host, uint32_t kind_mask);
} wabot_events_service_v1;

/* ---- Sessions service ("sessions", major 1) --------------------------------------------------------- */

/* A session as the API shows it. Times are Unix ms; 0 means null. Borrowed during the visitor call. */
typedef struct wabot_session_info {
  size_t struct_size;
  wabot_str_view user_id;
  wabot_str_view agent_id;
  wabot_str_view agent_name;
  wabot_str_view status;            /* persisted: "awaiting_qr" | "connected" | "disconnected" | "auth_failed" */
  wabot_str_view endpoint_url_run;
  int64_t last_connected_at_ms;
  int64_t last_disconnected_at_ms;
  int64_t created_at_ms;
  int64_t updated_at_ms;
  /* live state */
  int32_t has_client;
  int32_t is_ready;
  wabot_session_state session_state;
  const wabot_qr_update* qr;        /* NULL when no unexpired QR */
  int64_t connected_at_ms;
  wabot_str_view me_jid;            /* empty when not paired */
  wabot_str_view me_phone;
  wabot_str_view me_push_name;
  wabot_str_view me_lid;            /* (1.1) the account's LID JID ("1234@lid"); empty when unknown */
} wabot_session_info;

typedef struct wabot_session_create {
  size_t struct_size;
  wabot_str_view user_id;
  wabot_str_view agent_id;
  wabot_str_view agent_name;
  wabot_str_view api_key;  /* may be empty; a secret: the host never logs or returns it */
  int64_t qr_wait_ms;      /* how long to wait for the first QR; 0 = do not wait */
} wabot_session_create;

typedef struct wabot_session_filter {
  size_t struct_size;
  wabot_str_view user_id;  /* empty = any */
  wabot_str_view status;   /* empty = any */
  wabot_str_view cursor;   /* empty = first page */
  uint32_t limit;          /* 0 = host default (50); capped by the host (500) */
} wabot_session_filter;

/* Visitors are called synchronously, on the calling thread, before the service call returns. */
typedef void (*wabot_session_visitor_fn)(void* user_data, const wabot_session_info* session);
typedef void (*wabot_session_page_visitor_fn)(void* user_data, const wabot_session_info* const* sessions,
                                              size_t count, wabot_str_view next_cursor);
typedef void (*wabot_qr_visitor_fn)(void* user_data, const wabot_qr_update* qr);
/* (1.1) Receives a secret; the view is borrowed for the call only. Never log or return it. */
typedef void (*wabot_secret_visitor_fn)(void* user_data, wabot_str_view secret);

typedef struct wabot_sessions_service_v1 {
  size_t struct_size;
  /* All calls block the calling thread (an HTTP worker, typically) and may take up to their wait.
   * create: upsert the session row and ensure its client runs; `*out_created` is 1 for a new row.
   *   INVALID_ARGUMENT for a bad agent id, ALREADY_EXISTS when another user owns the agent id. */
  wabot_status (*create)(wabot_host* host, const wabot_session_create* request, int32_t* out_created,
                         wabot_session_visitor_fn visit, void* user_data);
  /* get: NOT_FOUND when unknown. */
  wabot_status (*get)(wabot_host* host, wabot_str_view agent_id, wabot_session_visitor_fn visit, void* user_data);
  /* list: one page; `visit` is called exactly once on success (possibly with count 0). */
  wabot_status (*list)(wabot_host* host, const wabot_session_filter* filter, wabot_session_page_visitor_fn visit,
                       void* user_data);
  /* remove: stops the client; `logout` non-zero also unlinks the device and deletes its keys.
   * `*out_deleted` is 0 when the agent was unknown (that is still OK). */
  wabot_status (*remove)(wabot_host* host, wabot_str_view agent_id, int32_t logout, int32_t* out_deleted);
  /* reconnect: fresh credentials and client; waits up to `qr_wait_ms` for a QR. NOT_FOUND when unknown. */
  wabot_status (*reconnect)(wabot_host* host, wabot_str_view agent_id, int64_t qr_wait_ms,
                            wabot_session_visitor_fn visit, void* user_data);
  /* wait_qr: ensures the client runs and waits up to `timeout_ms` for a QR (an unexpired one answers at
   * once). NOT_FOUND unknown agent, ALREADY_EXISTS when already paired and open, TIMEOUT no QR. */
  wabot_status (*wait_qr)(wabot_host* host, wabot_str_view agent_id, int64_t timeout_ms, wabot_qr_visitor_fn visit,
                          void* user_data);
  /* ABI 1.1. check_api_key: compares `token` in constant time with the agent's stored API key;
   * `*out_match` is 1 when equal (never for an empty stored key). On a mismatch the host re-reads the
   * user's newest active key in the background (at most once per agent per 10 s), so a rotated key
   * works on a later call. NOT_FOUND unknown agent. The token is never logged. */
  wabot_status (*check_api_key)(wabot_host* host, wabot_str_view agent_id, wabot_str_view token, int32_t* out_match);
  /* (1.1) The agent's current api key (whatsapp_user.api_key), for the Authorization header of AI calls
   * (Bearer checks use check_api_key). `visit` is called once (with an empty view when the agent has
   * no key). NOT_FOUND unknown agent; UNSUPPORTED when the sessions layer cannot tell. */
  wabot_status (*get_api_key)(wabot_host* host, wabot_str_view agent_id, wabot_secret_visitor_fn visit, void* user_data);
} wabot_sessions_service_v1;

/* ---- Messaging service ("messaging", major 1) -------------------------------------------------------- */

#define WABOT_MESSAGE_ID_MAX 128

/* Filled by a successful send: the stanza id the WhatsApp server acknowledged. */
typedef struct wabot_message_id {
  size_t struct_size;
  char id[WABOT_MESSAGE_ID_MAX]; /* not NUL-terminated; `len` bytes are valid */
  size_t len;
} wabot_message_id;

typedef struct wabot_send_text {
  size_t struct_size;
  wabot_str_view agent_id;
  wabot_str_view to;                 /* phone or JID, normalised by the host */
  wabot_str_view text;
  wabot_str_view quoted_message_id;  /* empty = no quote */
  const wabot_str_view* mentions;    /* phones or JIDs */
  size_t mention_count;
  wabot_str_view trace_id;           /* for logs; empty = the current one */
  int64_t timeout_ms;                /* 0 = host default */
} wabot_send_text;

typedef struct wabot_send_media {
  size_t struct_size;
  wabot_str_view agent_id;
  wabot_str_view to;
  wabot_bytes_view data;             /* copied by the host before return */
  wabot_str_view mime_type;          /* picks image/video/audio/document */
  wabot_str_view file_name;
  wabot_str_view caption;
  wabot_str_view trace_id;
  int64_t timeout_ms;
} wabot_send_media;

typedef int32_t wabot_typing_state;
enum { WABOT_TYPING_UNSET = 0, WABOT_TYPING_COMPOSING = 1, WABOT_TYPING_PAUSED = 2 };

typedef struct wabot_messaging_service_v1 {
  size_t struct_size;
  /* Blocking sends (any thread; rate limited per agent): return once the server acknowledged, filling
   * `out_id` (may be NULL). Errors: NOT_FOUND unknown agent, NOT_READY connection not open,
   * RATE_LIMITED queue full, INVALID_ARGUMENT bad recipient, TOO_LARGE media over media.max_bytes,
   * BAD_GATEWAY server refused, TIMEOUT no ack in time. */
  wabot_status (*send_text)(wabot_host* host, const wabot_send_text* request, wabot_message_id* out_id);
  wabot_status (*send_media)(wabot_host* host, const wabot_send_media* request, wabot_message_id* out_id);
  /* Chat state (not rate limited). NOT_READY when the connection is not open. */
  wabot_status (*set_typing)(wabot_host* host, wabot_str_view agent_id, wabot_str_view chat_jid,
                             wabot_typing_state state);
} wabot_messaging_service_v1;

/* ---- Scheduler service ("scheduler", major 1) ------------------------------------------------------- */

typedef uint64_t wabot_timer_id; /* 0 is never a valid id */
/* Runs on the plugin's serial queue. `user_data` is plugin-owned. */
typedef void (*wabot_task_fn)(void* user_data);

typedef struct wabot_scheduler_service_v1 {
  size_t struct_size;
  /* Runs `task` after `delay_ms`, then every `interval_ms` when that is > 0. A tick that finds the
   * plugin's queue full is dropped (and counted). Timers stop when the plugin stops. */
  wabot_status (*schedule)(wabot_host* host, int64_t delay_ms, int64_t interval_ms, wabot_task_fn task,
                           void* user_data, wabot_timer_id* out_id);
  /* Cancels a timer; a tick already running finishes. NOT_FOUND for an unknown id. */
  wabot_status (*cancel)(wabot_host* host, wabot_timer_id id);
  /* Queues background work on the plugin's serial queue. RETRY when the queue is full. */
  wabot_status (*post)(wabot_host* host, wabot_task_fn task, void* user_data);
} wabot_scheduler_service_v1;

/* ---- Health service ("health", major 1) ------------------------------------------------------------- */

typedef int32_t wabot_component_state;
enum { WABOT_COMPONENT_UNSET = 0, WABOT_COMPONENT_HEALTHY = 1, WABOT_COMPONENT_DOWN = 2 };

typedef int32_t wabot_plugin_run_state;
enum {
  WABOT_PLUGIN_STATE_UNSET = 0,
  WABOT_PLUGIN_STATE_LOADED = 1,   /* created, not started */
  WABOT_PLUGIN_STATE_RUNNING = 2,
  WABOT_PLUGIN_STATE_STOPPED = 3,
  WABOT_PLUGIN_STATE_FAILED = 4    /* start returned an error */
};

typedef struct wabot_plugin_info {
  size_t struct_size;
  wabot_str_view name;
  wabot_str_view version;
  wabot_plugin_run_state state;
  uint64_t events_dropped;   /* queue full */
  uint64_t errors;           /* hooks that returned an error or threw */
} wabot_plugin_info;

/* (1.2) The WhatsApp engine's health of one agent with a live session. */
typedef struct wabot_agent_health {
  size_t struct_size;
  wabot_str_view agent_id;
  uint64_t decrypt_failures; /* inbound messages the engine could not decrypt, since the host started */
  uint64_t sends_queued;     /* sends waiting in the agent's send limiter (rate_limit.*) right now */
} wabot_agent_health;

typedef struct wabot_health {
  size_t struct_size;
  wabot_str_view host_version;
  int64_t uptime_ms;
  int64_t now_ms;                 /* Unix ms */
  wabot_component_state database;
  wabot_str_view database_detail; /* why it is down; never a secret */
  uint64_t sessions;              /* sessions the host knows */
  uint64_t sessions_connected;
  const wabot_plugin_info* const* plugins; /* in load order */
  size_t plugin_count;
  /* (1.2) Engine health. Read only when WABOT_HAS_FIELD says the host filled them (a 1.1 host does not).
   * decrypt_failures counts every undecryptable inbound message of any agent since the host started
   * (monotonic, also across removed agents); sends_queued is how many sends wait in the agents' send
   * limiters now (their sum over `agents`). */
  uint64_t decrypt_failures;
  uint64_t sends_queued;
  const wabot_agent_health* const* agents; /* (1.2) one per live session, sorted by agent id */
  size_t agent_count;                      /* (1.2) */
} wabot_health;

typedef void (*wabot_health_visitor_fn)(void* user_data, const wabot_health* health);

typedef struct wabot_health_service_v1 {
  size_t struct_size;
  /* Takes a snapshot (may query the database briefly) and passes it to `visit` before returning. */
  wabot_status (*snapshot)(wabot_host* host, wabot_health_visitor_fn visit, void* user_data);
} wabot_health_service_v1;

/* ---- Store service ("store", major 1) --------------------------------------------------------------- */

/* Per-agent counters from the host's message log and AI execution log. */
typedef struct wabot_agent_stats {
  size_t struct_size;
  uint64_t incoming_messages;
  uint64_t outgoing_messages;
  uint64_t ai_executions;
  int64_t last_activity_ms; /* 0 = never */
} wabot_agent_stats;

/* One call to the AI backend, for the AI execution log. */
typedef struct wabot_ai_execution {
  size_t struct_size;
  wabot_str_view agent_id;
  wabot_str_view trace_id;
  wabot_str_view source;       /* "api" | "whatsapp" */
  wabot_str_view session_id;   /* the chat JID */
  int64_t started_at_ms;
  int64_t latency_ms;
  int32_t http_status;         /* 0 when no answer */
  wabot_str_view error_code;   /* empty on success: "AI_TIMEOUT", "AI_DOWNSTREAM_ERROR" */
  wabot_str_view error_message;
} wabot_ai_execution;

typedef void (*wabot_bytes_visitor_fn)(void* user_data, wabot_bytes_view value);

typedef struct wabot_store_service_v1 {
  size_t struct_size;
  /* Plugin-private key/value data, namespaced by plugin name in the host's database. Keys 1..256
   * bytes, values up to 1 MiB (TOO_LARGE beyond). Blocking; any thread. UNSUPPORTED without a store. */
  wabot_status (*put)(wabot_host* host, wabot_str_view key, wabot_bytes_view value);
  /* NOT_FOUND when absent; otherwise `visit` is called once with the value before return. */
  wabot_status (*get)(wabot_host* host, wabot_str_view key, wabot_bytes_visitor_fn visit, void* user_data);
  /* OK also when the key was absent. */
  wabot_status (*remove)(wabot_host* host, wabot_str_view key);
  /* Counters for GET /sessions/{agentId}. NOT_FOUND for an unknown agent. */
  wabot_status (*agent_stats)(wabot_host* host, wabot_str_view agent_id, wabot_agent_stats* out);
  /* Appends to the AI execution log. */
  wabot_status (*record_ai_execution)(wabot_host* host, const wabot_ai_execution* execution);
} wabot_store_service_v1;

/* ---- The host API table --------------------------------------------------------------------------- */

typedef struct wabot_host_api {
  size_t struct_size;
  uint32_t abi_major; /* the host's ABI version */
  uint32_t abi_minor;
  /* Returns the service table `name` ("log", "config", "http", "events", "sessions", "messaging",
   * "scheduler", "health", "store") of major version `major`, or NULL when the host has no such
   * service/major. The table is host-owned and lives until the process exits. Check its struct_size
   * before using a field added by a later minor. Any thread. */
  const void* (*get_service)(wabot_host* host, wabot_str_view name, uint32_t major);
  /* The message of the last failed host call on this thread; valid until the next host call on this
   * thread. Empty when there is none. */
  wabot_str_view (*last_error)(wabot_host* host);
  /* Called by the plugin before a hook (or route handler, or task) returns an error, to say why; the
   * host puts it in its log line. Call it on the thread running that hook: the host keeps it per
   * thread and reads it when the hook returns. The message is copied (at most 2048 bytes are kept). */
  void (*set_error)(wabot_host* host, wabot_str_view message);
} wabot_host_api;

/* ---- The plugin descriptor ------------------------------------------------------------------------- */

typedef struct wabot_plugin_descriptor {
  size_t struct_size;
  uint32_t abi_major;         /* WABOT_ABI_VERSION_MAJOR the plugin was built against */
  uint32_t abi_minor;
  const char* name;           /* NUL-terminated, static: [A-Za-z0-9_-]{1,64}, unique in a host; it must
                               * equal the name the config lists it under */
  const char* version;        /* NUL-terminated, static: the plugin's own semver "1.2.3" */
  const wabot_config_key* config_keys; /* the plugin's declared keys, may be NULL when count is 0 */
  size_t config_key_count;

  /* Required. Main thread, once, after the config was validated against config_keys. Creates the
   * plugin's state into *out_state. `api` and `host` stay valid until destroy returns; services may be
   * fetched and routes registered here. A non-OK return refuses the plugin (destroy is not called). */
  wabot_status (*create)(const wabot_host_api* api, wabot_host* host, wabot_plugin_state** out_state);
  /* Required. Main thread, in load order, after every plugin was created. Events start flowing after it
   * returns OK. A non-OK return marks the plugin FAILED (stop is not called, destroy is). */
  wabot_status (*start)(wabot_plugin_state* state);
  /* Required. Main thread, in reverse load order, at shutdown; the plugin's queue is drained and its
   * timers cancelled first, so no hook of this plugin runs during or after stop (HTTP handlers are
   * refused with 503). An error is logged only. */
  wabot_status (*stop)(wabot_plugin_state* state);
  /* Required. Main thread, last; frees the state. The library stays loaded until exit. */
  void (*destroy)(wabot_plugin_state* state);

  /* Optional (NULL = not interested). The plugin's serial queue. An inbound message of any agent.
   * The event is borrowed until return. A non-OK return is logged and counted; delivery goes on. */
  wabot_status (*on_message)(wabot_plugin_state* state, const wabot_event* event);
  /* Optional. The plugin's serial queue. Kinds chosen with events->subscribe. As on_message. */
  wabot_status (*on_event)(wabot_plugin_state* state, const wabot_event* event);
} wabot_plugin_descriptor;

/* The one exported entry point. Called once, on the main thread, right after the library is opened.
 * The descriptor (and all it points to) must be static: the host reads it until exit. */
typedef const wabot_plugin_descriptor* (*wabot_plugin_entry_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WABOT_ABI_H */
