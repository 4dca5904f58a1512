#include "control/local/control_client.hpp"

#include <boost/asio/io_context.hpp>

#include "net/background.hpp"
#include "net/client.hpp"

namespace kaos::local {

namespace asio = boost::asio;

Result<ControlClient> ControlClient::connect(const StateDir& dir) {
  auto info = read_supervisor(dir);
  if (!info)
    return Error::not_found("no local runtime is running (start one with `kaos up -f DIR`; state directory " +
                            dir.root + ")");
  auto token = read_token(dir);
  if (!token) return Error::io("cannot read the control token " + dir.token_file() + ": " + token.error().message);
  return ControlClient(std::move(*info), std::move(*token));
}

Result<ControlResponse> ControlClient::call(const std::string& method, const std::string& path, std::string body,
                                            std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  net::HttpClient http(ioc.get_executor());
  net::ClientRequest req;
  req.method = method;
  req.url = info_.control_url + path;
  req.headers.set("Authorization", "Bearer " + token_);
  if (!body.empty()) req.headers.set("Content-Type", "application/json");
  req.body = std::move(body);
  req.timeout = timeout;
  std::optional<Result<net::ClientResponse>> got;
  net::spawn_background(
      ioc.get_executor(),
      [](net::HttpClient& h, net::ClientRequest r, std::optional<Result<net::ClientResponse>>& out) -> net::Task<void> {
        out.emplace(co_await h.send(std::move(r)));
      }(http, std::move(req), got),
      "control API call");
  ioc.run();
  if (!got) return Error::io("the control API call did not complete");
  auto& res = *got;
  if (!res)
    return Error{res.error().kind, "the local runtime (pid " + std::to_string(info_.pid) + ") did not answer at " +
                                       info_.control_url + ": " + res.error().message};
  ControlResponse out;
  out.status = res->status;
  if (!res->body.empty()) {
    auto parsed = parse_json(res->body);
    if (!parsed)
      return Error{ErrorKind::protocol, "the local runtime answered invalid JSON: " + parsed.error().message};
    out.body = std::move(*parsed);
  }
  return out;
}

Result<ControlResponse> ControlClient::get(const std::string& path, std::chrono::milliseconds timeout) {
  return call("GET", path, {}, timeout);
}
Result<ControlResponse> ControlClient::post(const std::string& path, const json::value& body,
                                            std::chrono::milliseconds timeout) {
  return call("POST", path, to_json(body), timeout);
}
Result<ControlResponse> ControlClient::del(const std::string& path, std::chrono::milliseconds timeout) {
  return call("DELETE", path, {}, timeout);
}

namespace {

namespace wire = protocol::kaos;

// The runtime's answer when it is not the route's success: its detail when it gave one.
Error unexpected_answer(const ControlResponse& res, const std::string& path) {
  auto detail = wire::parse_detail(res.body);
  return Error{ErrorKind::protocol, "the local runtime answered " + std::to_string(res.status) + " for " + path + ": " +
                                        (detail ? *detail : to_json(res.body))};
}

Error bad_body(const std::string& path, const Error& e) {
  return Error{ErrorKind::protocol, "the local runtime answered " + path + " with an unexpected body: " + e.message};
}

Result<void> check_phases(const std::vector<wire::ResourceStatus>& list, const std::string& prefix) {
  for (std::size_t i = 0; i < list.size(); ++i)
    if (auto p = plan::parse_phase(list[i].phase); !p)
      return Error::invalid(prefix + "[" + std::to_string(i) + "]." + p.error().message);
  return {};
}

// GET `path` and parse a 200 answer with `parse`.
template <class T, class Parse>
Result<T> get_typed(ControlClient& client, const std::string& path, Parse parse) {
  auto res = client.get(path);
  if (!res) return res.error();
  if (res->status != 200) return unexpected_answer(*res, path);
  auto parsed = parse(res->body);
  if (!parsed) return bad_body(path, parsed.error());
  return std::move(*parsed);
}

}  // namespace

Result<wire::StatusReply> fetch_status(ControlClient& client) {
  auto reply = get_typed<wire::StatusReply>(client, "/v1/status", wire::parse_status_reply);
  if (!reply) return reply;
  if (auto ok = check_phases(reply->resources, "resources"); !ok) return bad_body("/v1/status", ok.error());
  return reply;
}

Result<std::vector<wire::ResourceStatus>> list_resources(ControlClient& client, std::string_view kind) {
  std::string path = kind.empty() ? "/v1/resources" : "/v1/resources/" + std::string(kind);
  auto list = get_typed<std::vector<wire::ResourceStatus>>(client, path, wire::parse_resource_list);
  if (!list) return list;
  if (auto ok = check_phases(*list, ""); !ok) return bad_body(path, ok.error());
  return list;
}

Result<wire::ResourceDescription> find_resource(ControlClient& client, std::string_view kind, std::string_view name,
                                                std::string_view namespace_) {
  std::string path = "/v1/resources/" + std::string(kind) + "/" + std::string(namespace_) + "/" + std::string(name);
  auto r = client.get(path);
  if (!r) return r.error();
  if (r->status == 404)
    return Error::not_found(std::string(kind) + " '" + std::string(name) + "' not found in namespace '" +
                            std::string(namespace_) + "' (list them with `kaos get " + std::string(kind) + "`)");
  if (r->status != 200) return unexpected_answer(*r, path);
  auto d = wire::parse_resource_description(r->body);
  if (!d) return bad_body(path, d.error());
  if (auto p = plan::parse_phase(d->status.phase); !p) return bad_body(path, p.error());
  return d;
}

Result<std::variant<wire::ApplyReply, wire::ApplyRejection>> post_apply(ControlClient& client,
                                                                        const wire::ApplyRequest& request) {
  const std::string path = "/v1/apply";
  auto res = client.post(path, wire::apply_request_json(request));
  if (!res) return res.error();
  if (res->status == 422) {
    auto rejection = wire::parse_apply_rejection(res->body);
    if (!rejection) return bad_body(path, rejection.error());
    return std::variant<wire::ApplyReply, wire::ApplyRejection>(std::move(*rejection));
  }
  if (res->status != 200) return unexpected_answer(*res, path);
  auto reply = wire::parse_apply_reply(res->body);
  if (!reply) return bad_body(path, reply.error());
  return std::variant<wire::ApplyReply, wire::ApplyRejection>(std::move(*reply));
}

Result<wire::DeleteReply> post_delete(ControlClient& client, const wire::DeleteRequest& request) {
  const std::string path = "/v1/delete";
  auto res = client.post(path, wire::delete_request_json(request));
  if (!res) return res.error();
  if (res->status != 200) return unexpected_answer(*res, path);
  auto reply = wire::parse_delete_reply(res->body);
  if (!reply) return bad_body(path, reply.error());
  return reply;
}

std::vector<wire::Source> wire_sources(const std::vector<std::pair<std::string, std::string>>& sources) {
  std::vector<wire::Source> out;
  out.reserve(sources.size());
  for (const auto& [name, text] : sources) out.push_back({name, text});
  return out;
}

plan::Phase phase_of(const wire::ResourceStatus& status) {
  return plan::parse_phase(status.phase).value_or(plan::Phase::Pending);
}

}  // namespace kaos::local
