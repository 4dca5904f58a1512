#include "control/local/control_api.hpp"

#include <algorithm>

#include "api/manifest.hpp"

namespace kaos::local {

namespace {

net::Response json_response(int status, const json::value& v) {
  return net::Response::json(status, to_json(v));
}

net::Response detail(int status, std::string message) {
  return net::Response::detail(status, message);
}

// Constant-time comparison: the token must not leak through timing.
bool same_token(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

Result<std::vector<std::pair<std::string, std::string>>> read_sources(const json::object& body) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto* sources = find_field(body, "sources");
  if (!sources || !sources->is_array()) return Error::invalid("sources: expected an array of {name, text}");
  for (const auto& s : sources->get_array()) {
    const auto* o = s.if_object();
    auto text = o ? string_field(*o, "text") : std::nullopt;
    if (!text) return Error::invalid("sources[]: each needs a string 'text'");
    out.emplace_back(std::string(string_field(*o, "name").value_or("")), std::string(*text));
  }
  return out;
}

}  // namespace

std::string canonical_kind(std::string_view word) {
  std::string w(word);
  std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return std::tolower(c); });
  if (w == "agent" || w == "agents") return "Agent";
  if (w == "modelapi" || w == "modelapis" || w == "api" || w == "apis") return "ModelAPI";
  if (w == "mcpserver" || w == "mcpservers" || w == "mcp" || w == "mcps") return "MCPServer";
  return {};
}

std::shared_ptr<net::Router> make_control_router(Supervisor& sup, std::string token,
                                                 std::function<void()> request_shutdown) {
  auto r = std::make_shared<net::Router>();
  r->use([token](net::Request& req, const net::Handler& next) -> net::Task<net::Response> {
    auto auth = req.headers.get("Authorization").value_or("");
    if (!auth.starts_with("Bearer ") || !same_token(auth.substr(7), token))
      co_return detail(401, "missing or wrong bearer token (it is in the state directory's 'token' file)");
    co_return co_await next(req);
  });
  r->get("/v1/status", [&sup](net::Request&) -> net::Task<net::Response> {
    json::object s;
    s["pid"] = static_cast<std::int64_t>(::getpid());
    s["state_dir"] = sup.options().state.root;
    json::object body;
    body["supervisor"] = std::move(s);
    body["resources"] = sup.status();
    co_return json_response(200, body);
  });
  r->get("/v1/resources",
         [&sup](net::Request&) -> net::Task<net::Response> { co_return json_response(200, sup.status()); });
  r->get("/v1/resources/{kind}", [&sup](net::Request& req) -> net::Task<net::Response> {
    auto kind = canonical_kind(req.params.at("kind"));
    if (kind.empty())
      co_return detail(404, "unknown kind '" + req.params.at("kind") + "' (agent, modelapi, mcpserver)");
    json::array out;
    for (const auto& s : sup.status())
      if (s.at("kind").get_string() == kind) out.push_back(s);
    co_return json_response(200, out);
  });
  r->get("/v1/resources/{kind}/{ns}/{name}", [&sup](net::Request& req) -> net::Task<net::Response> {
    auto kind = canonical_kind(req.params.at("kind"));
    if (kind.empty())
      co_return detail(404, "unknown kind '" + req.params.at("kind") + "' (agent, modelapi, mcpserver)");
    std::string lower = kind;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    auto d = sup.describe(lower + "/" + req.params.at("ns") + "/" + req.params.at("name"));
    if (!d) co_return detail(404, kind + " " + req.params.at("ns") + "/" + req.params.at("name") + " not found");
    co_return json_response(200, *d);
  });
  r->post("/v1/apply", [&sup](net::Request& req) -> net::Task<net::Response> {
    auto body = parse_json(req.body);
    if (!body || !body->is_object()) co_return detail(400, "body: expected a JSON object");
    auto sources = read_sources(body->get_object());
    if (!sources) co_return detail(400, sources.error().message);
    bool prune = bool_field(body->get_object(), "prune").value_or(false);
    auto result = sup.apply(*sources, prune);
    if (!result.errors.empty()) {
      json::array errors;
      for (auto& e : result.errors) errors.push_back(json::value(e));
      json::object o;
      o["errors"] = std::move(errors);
      co_return json_response(422, o);
    }
    json::array actions;
    for (auto& [id, action] : result.actions) {
      json::object a;
      a["id"] = id;
      a["action"] = action;
      actions.push_back(std::move(a));
    }
    json::object o;
    o["actions"] = std::move(actions);
    co_return json_response(200, o);
  });
  r->post("/v1/delete", [&sup](net::Request& req) -> net::Task<net::Response> {
    auto body = parse_json(req.body);
    if (!body || !body->is_object()) co_return detail(400, "body: expected a JSON object");
    std::vector<plan::WorkloadRef> refs;
    const auto& o = body->get_object();
    if (o.contains("sources")) {
      auto sources = read_sources(o);
      if (!sources) co_return detail(400, sources.error().message);
      auto set = api::load_manifests(*sources);
      for (const auto& e : set.entries)
        if (e.resource && canonical_kind(e.kind).size())
          refs.push_back(
              {canonical_kind(e.kind), e.resource ? api::resource_metadata(*e.resource).namespace_ : "", e.name});
    }
    if (const auto* list = find_field(o, "resources"); list && list->is_array()) {
      for (const auto& item : list->get_array()) {
        const auto* it = item.if_object();
        if (!it) continue;
        auto kind = canonical_kind(string_field(*it, "kind").value_or(""));
        if (kind.empty()) co_return detail(400, "resources[].kind: expected agent, modelapi or mcpserver");
        refs.push_back({kind, std::string(string_field(*it, "namespace").value_or("default")),
                        std::string(string_field(*it, "name").value_or(""))});
      }
    }
    json::array deleted;
    for (auto& id : sup.remove(refs)) deleted.push_back(json::value(id));
    json::object out;
    out["deleted"] = std::move(deleted);
    co_return json_response(200, out);
  });
  r->post("/v1/shutdown", [request_shutdown](net::Request&) -> net::Task<net::Response> {
    request_shutdown();
    co_return detail(202, "shutting down");
  });
  return r;
}

}  // namespace kaos::local
