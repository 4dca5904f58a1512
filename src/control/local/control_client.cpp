#include "control/local/control_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

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
  asio::co_spawn(
      ioc, [&]() -> net::Task<void> { got.emplace(co_await http.send(std::move(req))); }, asio::detached);
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

json::array sources_json(const std::vector<std::pair<std::string, std::string>>& sources) {
  json::array list;
  for (const auto& [name, text] : sources) {
    json::object s;
    s["name"] = name;
    s["text"] = text;
    list.push_back(std::move(s));
  }
  return list;
}

Result<json::object> find_resource(ControlClient& client, std::string_view kind, std::string_view name,
                                   std::string_view namespace_) {
  std::string path = "/v1/resources/" + std::string(kind) + "/" + std::string(namespace_) + "/" + std::string(name);
  auto r = client.get(path);
  if (!r) return r.error();
  if (r->status == 404)
    return Error::not_found(std::string(kind) + " '" + std::string(name) + "' not found in namespace '" +
                            std::string(namespace_) + "' (list them with `kaos get " + std::string(kind) + "`)");
  if (r->status != 200 || !r->body.is_object())
    return Error{ErrorKind::protocol, "the local runtime answered " + std::to_string(r->status) + " for " + path};
  return r->body.get_object();
}

}  // namespace kaos::local
