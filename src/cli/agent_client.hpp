#pragma once
// Plumbing shared by the commands that talk to running agents and model APIs (`kaos chat`,
// `invoke`, `tasks`, `memory`, `tools`, `models`): the -n/--url flags, finding the endpoint,
// running one client coroutine to completion, and error messages that say what to do next.
#include <CLI/CLI.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "core/result.hpp"
#include "net/client.hpp"

namespace kaos::cli {

/// Where a named resource runs: an explicit URL, or the local runtime's namespace.
struct EndpointFlags {
  std::string namespace_ = "default";
  std::string url;
  double timeout_s = 300;
  std::string api_key;  ///< --api-key / $KAOS_API_KEY: the server's bearer key, when it requires one
};

/// `Authorization: Bearer <api_key>` when a key was given, else no header.
net::Headers auth_headers(const EndpointFlags& flags);

/// What a follow-up command needs to find the same resource: " --url URL", " -n NS" or "".
std::string endpoint_suffix(const EndpointFlags& flags);

/// Adds `-n/--namespace`, `--url`, `--timeout` and `--api-key` (kind is "agent" or "ModelAPI", for the help).
void add_endpoint_flags(CLI::App* cmd, EndpointFlags& flags, std::string_view kind);

/// resolve_endpoint(kind, name, ...); on failure prints "kaos <command>: ..." to stderr
/// (naming `kaos up` / --url) and returns nullopt.
std::optional<std::string> resolve_or_report(std::string_view command, std::string_view kind, std::string_view name,
                                             const EndpointFlags& flags);

/// Runs `body` with an HttpClient on a private io_context until it finishes; its exit status,
/// or 1 after printing "internal error" when it threw.
int run_client(std::string_view command, const std::function<net::Task<int>(net::HttpClient&)>& body);

std::chrono::milliseconds seconds_to_ms(double seconds);

/// A failed request to `kind` `name` (e.g. agent 'a') at `url` as one line with a hint:
/// connection refused → is it running / check --url; timeout → raise --timeout; HTTP 404 →
/// not a KAOS endpoint?; JSON-RPC errors as the agent said them.
std::string describe_failure(const Error& e, std::string_view kind, std::string_view name, std::string_view url);

/// The human part of an error body: `{"detail"}`, `{"error":{"message"}}`, `{"error":"..."}`,
/// else the first 300 bytes.
std::string error_detail(std::string_view body);

/// GET `url` and parse the JSON answer. Errors: the client's ("connect", "timeout", ...),
/// "http" (non-2xx: "HTTP <status>: <detail>"), "protocol" (not JSON).
/// `headers` go with the request (auth_headers).
net::Task<Result<json::value>> get_json(net::HttpClient& http, std::string url, std::chrono::milliseconds timeout,
                                        net::Headers headers = {});

/// get_json, then `parse` (a protocol `parse_…` function) reads the answer as a T. An answer of
/// another shape is Error::invalid "unexpected <endpoint> answer: <the field at fault>".
template <class T>
net::Task<Result<T>> get_body(net::HttpClient& http, std::string url, std::string endpoint,
                              Result<T> (*parse)(const json::value&), std::chrono::milliseconds timeout,
                              net::Headers headers = {}) {
  auto answer = co_await get_json(http, std::move(url), timeout, std::move(headers));
  if (!answer) co_return answer.error();
  auto body = parse(*answer);
  if (!body) co_return Error::invalid("unexpected " + endpoint + " answer: " + body.error().message);
  co_return std::move(*body);
}

/// Percent-encodes a query parameter value.
std::string query_escape(std::string_view s);

}  // namespace kaos::cli
