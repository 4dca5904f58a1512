// The control API's routes: parse the body into its protocol type, call the supervisor, write
// the answer through the same types (control_api.hpp lists the routes).
#include "control/local/control_api.hpp"

#include <unistd.h>

#include <algorithm>

#include "api/kinds.hpp"
#include "api/manifest.hpp"
#include "control/local/control_wire.hpp"
#include "net/api_key.hpp"
#include "net/browser_safety.hpp"
#include "protocol/kaos/control.hpp"

namespace kaos::local {

namespace wire = protocol::kaos;

namespace {

net::Response json_response(int status, const json::object& o) {
  return net::Response::json(status, to_json(o));
}
net::Response json_response(int status, const json::array& a) {
  return net::Response::json(status, to_json(a));
}
// Errors: {"detail": …} (wire::parse_detail reads it), built by the one net builder.
net::Response detail(int status, std::string_view message) {
  return net::Response::detail(status, message);
}

std::vector<std::pair<std::string, std::string>> source_pairs(const std::vector<wire::Source>& sources) {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(sources.size());
  for (const auto& s : sources) out.emplace_back(s.name, s.text);
  return out;
}

std::vector<wire::ResourceStatus> statuses(const Supervisor& sup, std::string_view kind = {}) {
  std::vector<wire::ResourceStatus> out;
  for (const auto& r : sup.status())
    if (kind.empty() || r.ref.kind == kind) out.push_back(wire_status(r));
  return out;
}

Result<json::value> body_json(const net::Request& req) {
  auto body = parse_json(req.body);
  if (!body) return Error::invalid("body: expected a JSON object");
  return body;
}

// The workloads a delete request names (kinds canonicalized; other kinds in manifests ignored).
Result<std::vector<plan::WorkloadRef>> delete_targets(const wire::DeleteRequest& request) {
  std::vector<plan::WorkloadRef> refs;
  if (request.sources) {
    auto set = api::load_manifests(source_pairs(*request.sources));
    for (const auto& e : set.entries)
      if (auto kind = canonical_kind(e.kind); e.resource && !kind.empty())
        refs.push_back({kind, api::resource_metadata(*e.resource).namespace_, e.name});
  }
  if (request.resources) {
    for (std::size_t i = 0; i < request.resources->size(); ++i) {
      const auto& key = (*request.resources)[i];
      auto kind = canonical_kind(key.kind);
      if (kind.empty())
        return Error::invalid("resources[" + std::to_string(i) + "].kind: expected one of " + kind_words());
      refs.push_back({kind, key.namespace_, key.name});
    }
  }
  return refs;
}

}  // namespace

std::string kind_words() {
  std::string out;
  for (auto kind : plan::workload_kinds()) {
    std::string w(kind);
    std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out += (out.empty() ? "" : ", ") + w;
  }
  return out;
}

std::string canonical_kind(std::string_view word) {
  auto kind = api::kaos_kind_named(word);
  return plan::is_workload_kind(kind) ? kind : std::string();
}

std::shared_ptr<net::Router> make_control_router(Supervisor& sup, std::string token,
                                                 std::function<void()> request_shutdown) {
  auto r = std::make_shared<net::Router>();
  // Browser safety first (it listens on loopback: a page or a rebinding name gets nothing),
  // then the bearer token (compared in constant time).
  auto refusal = [](const net::Request&, int status, std::string message) { return detail(status, message); };
  r->use(net::browser_safety_middleware({}, refusal));
  r->use(net::api_key_middleware(std::move(token), refusal, "the state directory's 'token' file"));
  r->get("/v1/status", [&sup](net::Request&) -> net::Task<net::Response> {
    wire::StatusReply reply{{::getpid(), sup.options().state.root}, statuses(sup)};
    co_return json_response(200, wire::status_reply_json(reply));
  });
  r->get("/v1/resources", [&sup](net::Request&) -> net::Task<net::Response> {
    co_return json_response(200, wire::resource_list_json(statuses(sup)));
  });
  r->get("/v1/resources/{kind}", [&sup](net::Request& req) -> net::Task<net::Response> {
    auto kind = canonical_kind(req.params.at("kind"));
    if (kind.empty()) co_return detail(404, "unknown kind '" + req.params.at("kind") + "' (" + kind_words() + ")");
    co_return json_response(200, wire::resource_list_json(statuses(sup, kind)));
  });
  r->get("/v1/resources/{kind}/{ns}/{name}", [&sup](net::Request& req) -> net::Task<net::Response> {
    auto kind = canonical_kind(req.params.at("kind"));
    if (kind.empty()) co_return detail(404, "unknown kind '" + req.params.at("kind") + "' (" + kind_words() + ")");
    const plan::WorkloadRef ref{kind, req.params.at("ns"), req.params.at("name")};
    auto d = sup.describe(ref.id());
    if (!d) co_return detail(404, kind + " " + ref.namespace_ + "/" + ref.name + " not found");
    co_return json_response(200, wire::resource_description_json(wire_description(*d)));
  });
  r->post("/v1/apply", [&sup](net::Request& req) -> net::Task<net::Response> {
    auto body = body_json(req);
    auto request = body ? wire::parse_apply_request(*body) : Result<wire::ApplyRequest>(body.error());
    if (!request) co_return detail(400, request.error().message);
    auto result = sup.apply(source_pairs(request->sources), request->prune);
    if (!result.errors.empty()) co_return json_response(422, wire::apply_rejection_json({result.errors}));
    wire::ApplyReply reply;
    for (auto& [id, action] : result.actions) reply.actions.push_back({id, action});
    co_return json_response(200, wire::apply_reply_json(reply));
  });
  r->post("/v1/delete", [&sup](net::Request& req) -> net::Task<net::Response> {
    auto body = body_json(req);
    auto request = body ? wire::parse_delete_request(*body) : Result<wire::DeleteRequest>(body.error());
    if (!request) co_return detail(400, request.error().message);
    auto refs = delete_targets(*request);
    if (!refs) co_return detail(400, refs.error().message);
    co_return json_response(200, wire::delete_reply_json({sup.remove(*refs)}));
  });
  r->post("/v1/shutdown", [request_shutdown](net::Request&) -> net::Task<net::Response> {
    request_shutdown();
    co_return detail(202, "shutting down");
  });
  return r;
}

}  // namespace kaos::local
