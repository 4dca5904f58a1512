#pragma once
// Agent2Agent (A2A) over JSON-RPC: the three dialects one KAOS agent serves at `POST /`, the
// task model they share, agent cards, and reply extraction for delegation. Data and
// (de)serialization only, no I/O. docs/a2a.md ("Wire shapes we serve") shows every shape.
//
// Dialects (chosen by the JSON-RPC method and the `A2A-Version` header, see answer_dialect):
//  * v1   — A2A 1.0 (`SendMessage`, `SendStreamingMessage`, `GetTask`, `ListTasks`,
//           `CancelTask` with `A2A-Version: 1.0`): ProtoJSON shapes, enums as
//           `TASK_STATE_COMPLETED` / `ROLE_USER`, parts `{"text": ...}`, SendMessage answers
//           `{"task": Task}`.
//  * v03  — A2A 0.3 (`message/send`, `message/stream`): `kind` discriminators, lowercase
//           kebab states (`input-required`), roles `user`/`agent`, parts `{"kind":"text",...}`.
//  * kaos — KAOS's own clients: the aliases `tasks/send`, `tasks/get`, `tasks/list`,
//           `tasks/cancel`, and the PascalCase methods sent without `A2A-Version: 1.0` (KAOS's
//           tests, CLI and UI never send the header; the spec reads a missing one as 0.3). The
//           KAOS task JSON (`sessionId`, `mode`, `events`, `autonomous`, `output`, parts
//           `{"type":"text"}`, `status.message` a string) is written as a superset of the 0.3
//           Task, so `tasks/get` / `tasks/cancel` — names 0.3 also uses — answer 0.3 clients and
//           KAOS clients with the same object.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"

namespace kaos::protocol::a2a {

enum class Dialect { v1, v03, kaos };
enum class MethodKind { send, stream, get, list, cancel };

struct MethodInfo {
  MethodKind kind;
  Dialect dialect;
};

/// The method table above; nullopt for anything else (answer -32601 `Method not found: <m>`).
/// `info.dialect` is the dialect the method's name belongs to: v1 for the PascalCase names,
/// kaos for `tasks/*` (superset of the 0.3 answer), v03 for `message/*`.
std::optional<MethodInfo> lookup_method(std::string_view method);

/// A2A-specific JSON-RPC error codes (A2A 1.0 spec §5.4; 0.3 used the same numbers).
enum ErrorCode : int {
  kTaskNotFound = -32001,
  kTaskNotCancelable = -32002,
  kPushNotificationNotSupported = -32003,
  kUnsupportedOperation = -32004,
  kContentTypeNotSupported = -32005,
  kInvalidAgentResponse = -32006,
  kExtendedCardNotConfigured = -32007,
  kExtensionSupportRequired = -32008,
  kVersionNotSupported = -32009,
};
/// KAOS's messages: "Task not found: <id>", "Task not cancelable: <id>".
std::string task_not_found_message(std::string_view task_id);
std::string task_not_cancelable_message(std::string_view task_id);

/// The protocol versions a request may name in its `A2A-Version` header.
enum class ProtocolVersion { v03, v1 };
/// The `A2A-Version` request header: empty (or absent) means 0.3 (spec §3.6.2); "0.3" and
/// "1.0" (patch ignored: "0.3.0") are served; nullopt for anything else (kVersionNotSupported).
std::optional<ProtocolVersion> parse_version(std::string_view header_value);
bool is_supported_version(std::string_view header_value);
/// The dialect a request is answered in: a PascalCase (1.0) method answers in 1.0 shapes only
/// when the request says `A2A-Version: 1.x`; without the header (KAOS's own clients) or with
/// 0.3 it answers in the KAOS dialect, the superset of the 0.3 Task. `tasks/*` always answer
/// KAOS and `message/*` always 0.3, whatever the header. docs/a2a.md ("Which dialect").
Dialect answer_dialect(const MethodInfo& method, ProtocolVersion version);

// ---- task model -------------------------------------------------------------------------

enum class TaskState { submitted, working, input_required, completed, canceled, failed, rejected, auth_required };

/// v1: "TASK_STATE_INPUT_REQUIRED"; v03 and kaos: "input-required".
std::string_view state_name(TaskState s, Dialect d);
/// Accepts every spelling: "TASK_STATE_WORKING", "working", "input-required", "input_required".
std::optional<TaskState> parse_state(std::string_view name);
/// completed, canceled, failed, rejected.
bool is_terminal(TaskState s);
/// KAOS §2.5: submitted→{working, canceled, failed}; working→{completed, failed, canceled,
/// input-required}; input-required→{working, canceled, failed}; terminal states are final.
/// The two 1.0-only states fit in as: submitted→rejected, working→auth-required,
/// auth-required→{working, canceled, failed}.
bool can_transition(TaskState from, TaskState to);

struct Message {
  std::string role;  ///< "user" | "agent"
  std::string text;
  std::string message_id;  ///< empty: task_to_json derives "<task id>-msg-<index>"
  std::string context_id;
  std::string task_id;
  json::object metadata;
};

struct TaskEvent {
  std::string id, type, timestamp;
  json::object data;
};

struct Task {
  std::string id, context_id;
  TaskState state = TaskState::submitted;
  std::string status_timestamp;  ///< ISO 8601
  /// "Processing", "Done", an error ...: a Message in 1.0 and 0.3, its text in the KAOS dialect.
  std::optional<Message> status_message;
  std::vector<Message> history;
  std::string output;  ///< final answer; served as the artifact "output" when non-empty
  json::object metadata;
  /// KAOS's event log. In the KAOS dialect an event whose data has a `reason` carries it at
  /// the event's top level too (KAOS's older readers look there).
  std::vector<TaskEvent> events;
  bool autonomous = false;  ///< the KAOS dialect also writes it as `mode`: "autonomous" | "interactive"
};

/// The artifact id the final answer is served under (stable, so stream updates and the task agree).
inline constexpr std::string_view kOutputArtifactId = "output";

json::object message_to_json(const Message& m, Dialect d);
/// The Task object of dialect `d` (the result of GetTask / tasks/get / CancelTask ...).
json::object task_to_json(const Task& t, Dialect d);
/// The result of a send: v1 `{"task": Task}`, v03 and kaos the Task itself.
json::object send_result_json(const Task& t, Dialect d);
/// The result of a list: v1 `{"tasks","nextPageToken","pageSize","totalSize"}` (all required
/// in 1.0), kaos/v03 `{"tasks","count"}`. `tasks` in the order given (newest first).
json::object list_result_json(const std::vector<Task>& tasks, Dialect d, std::string_view next_page_token = {},
                              std::int64_t total_size = -1);

/// What cancel does to a task in `state`: KAOS (tasks/cancel) returns terminal tasks unchanged;
/// 1.0 CancelTask answers TaskNotCancelable (-32002) for completed/failed/rejected and returns
/// an already-canceled task unchanged, as the spec and the official SDK server do.
enum class CancelOutcome { cancel, unchanged, not_cancelable };
CancelOutcome cancel_outcome(TaskState state, Dialect d);

// ---- request params ---------------------------------------------------------------------

struct Budgets {
  std::int64_t max_iterations = 10;
  std::int64_t max_runtime_seconds = 300;
  std::int64_t max_tool_calls = 50;
  std::int64_t interval_seconds = 0;
};

struct SendParams {
  std::string text;  ///< text parts joined with single spaces
  std::string context_id;
  std::string message_id;
  std::string task_id;
  json::object metadata;    ///< params.metadata overlaid with message.metadata
  bool autonomous = false;  ///< configuration.mode == "autonomous"
  Budgets budgets;          ///< configuration.budgets (camelCase keys)
  bool blocking = true;     ///< false for 1.0 returnImmediately:true or 0.3/KAOS blocking:false
};

/// Errors (code "invalid", for -32602) carry KAOS's messages: "Missing required 'message'
/// parameter", "Message must contain text content".
Result<SendParams> parse_send_params(const json::value& params, Dialect d);

struct TaskIdParams {
  std::string id;
  std::optional<std::int64_t> history_length;
};
/// Error "Missing required 'id' parameter" when `id` is absent, empty or not a string.
Result<TaskIdParams> parse_task_id_params(const json::value& params);

struct ListParams {
  std::string context_id;                 ///< `contextId`, or KAOS's `sessionId`
  std::optional<TaskState> state;         ///< `status` (1.0) or `state`, any spelling
  std::optional<std::int64_t> page_size;  ///< `pageSize`, or `limit`
  std::string page_token;
};
/// Absent or null params mean "everything". An unknown state name is an "invalid" error.
Result<ListParams> parse_list_params(const json::value& params);

// ---- outbound requests (our client side) ----------------------------------------------

/// The send method of a dialect: "SendMessage", "message/send", "tasks/send".
std::string_view send_method(Dialect d);
/// Params for sending `m` (role "user") in dialect `d`: v1 `{"message": 1.0 Message}`, v03
/// `{"message": 0.3 Message}`, kaos the same plus `contextId`/`sessionId` at the top (where
/// KAOS reads the session). message_id is required on the wire: pass one.
json::object send_request_params(const Message& m, Dialect d);

// ---- streaming --------------------------------------------------------------------------
// Each builder returns the JSON-RPC `result` of one SSE event
// (`data: {"jsonrpc":"2.0","id":<request id>,"result":<this>}`). Streams end by closing.
//  v1  (SendStreamingMessage): {"task"}, {"statusUpdate"}, {"artifactUpdate"}, {"message"}.
//  v03 (message/stream): {"kind":"task"}, {"kind":"status-update","final"},
//      {"kind":"artifact-update"}, {"kind":"message"}. kaos streams as v03.

json::object stream_task_event(const Task& t, Dialect d);
/// The task's current state, timestamp and status message; `final` (0.3 only) marks the last event.
json::object stream_status_event(const Task& t, Dialect d, bool final);
/// A piece of the output artifact: `append` adds to the parts sent before, `last_chunk` ends it.
json::object stream_artifact_event(const Task& t, Dialect d, std::string_view text, bool append, bool last_chunk);
json::object stream_message_event(const Message& m, Dialect d);

// ---- agent card -------------------------------------------------------------------------

struct Skill {
  std::string id, name, description;
};

struct CardInfo {
  std::string name, description;
  std::string url;  ///< base URL, e.g. http://127.0.0.1:8000 (no trailing slash needed)
  std::string version;
  std::vector<Skill> skills;
  bool streaming = true;
  bool state_history = true;  ///< capabilities.stateTransitionHistory (0.3/KAOS)
  /// KAOS's older capability names, as keys of `capabilities` (present, true, only when they
  /// hold): `message_processing` and `task_execution` always, these two when set.
  bool tool_execution = false;   ///< the agent has MCP servers
  bool task_delegation = false;  ///< the agent has peers
};

/// One card for every client: 1.0 `supportedInterfaces` (JSONRPC 1.0 and 0.3 at `<url>/`),
/// plus the 0.3 and KAOS fields (`url`, `protocolVersion` "0.3.0", `preferredTransport`,
/// `supportedProtocols`, `capabilities.stateTransitionHistory`, KAOS's capability keys).
json::object agent_card_json(const CardInfo& info);

struct CardView {
  std::string name, description, version;
  std::string jsonrpc_url;       ///< the JSON-RPC endpoint the card names (may be empty)
  std::string protocol_version;  ///< of that endpoint: "1.0", "0.3", ...
  bool supports_jsonrpc = false;
  bool streaming = false;
  std::vector<Skill> skills;
};
/// Reads 1.0 cards (supportedInterfaces, preferring a JSONRPC 1.x entry) and 0.3/KAOS cards
/// (`url` + `preferredTransport`, `additionalInterfaces`, `supportedProtocols`). Error when
/// the card is not an object or has no `name`.
Result<CardView> parse_agent_card(const json::value& card);

// ---- replies ----------------------------------------------------------------------------

/// The text of a part in any spelling (`{"text"}`, `{"kind":"text"}`, `{"type":"text"}`);
/// nullopt for file/data parts.
std::optional<std::string_view> part_text(const json::value& part);
/// The answer in a send result of any dialect: artifacts → `output` → last agent history
/// message → status.message (a Message, or KAOS's plain string; not of a completed task, whose
/// "Done" is no answer); a bare message (1.0
/// `{"message"}` or a string there, 0.3 kind "message") gives its own text. Empty when there
/// is none.
std::string reply_text(const json::value& send_result);

}  // namespace kaos::protocol::a2a
