#include "cli/agent_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <cctype>
#include <cmath>
#include <iostream>

#include "cli/command.hpp"
#include "cli/resolve.hpp"

namespace kaos::cli {

namespace asio = boost::asio;

std::string endpoint_suffix(const EndpointFlags& flags) {
  if (!flags.url.empty()) return " --url " + flags.url;
  if (flags.namespace_ != "default") return " -n " + flags.namespace_;
  return {};
}

void add_endpoint_flags(CLI::App* cmd, EndpointFlags& flags, std::string_view kind) {
  cmd->add_option("--namespace,-n", flags.namespace_,
                  "Namespace of the " + std::string(kind) + " in the local runtime (`kaos up`)")
      ->capture_default_str();
  cmd->add_option("--url", flags.url,
                  "Talk to the " + std::string(kind) +
                      " at this base URL (e.g. http://127.0.0.1:8000) instead of asking the local runtime");
  cmd->add_option("--timeout", flags.timeout_s, "Seconds to wait for an answer")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  add_api_key_option(*cmd, flags.api_key);
}

net::Headers auth_headers(const EndpointFlags& flags) {
  net::Headers h;
  if (!flags.api_key.empty()) h.set("Authorization", "Bearer " + flags.api_key);
  return h;
}

std::optional<std::string> resolve_or_report(std::string_view command, std::string_view kind, std::string_view name,
                                             const EndpointFlags& flags) {
  auto url = resolve_endpoint(kind, name, flags.namespace_, flags.url);
  if (url) return *url;
  std::cerr << "kaos " << command << ": cannot find " << kind << " '" << name << "': " << url.error().message << "\n";
  return std::nullopt;
}

int run_client(std::string_view command, const std::function<net::Task<int>(net::HttpClient&)>& body) {
  asio::io_context ioc;
  net::HttpClient http(ioc.get_executor());
  int status = 1;
  asio::co_spawn(ioc, body(http), [&](std::exception_ptr e, int code) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        std::cerr << "kaos " << command << ": internal error: " << ex.what() << "\n";
      } catch (...) {
        std::cerr << "kaos " << command << ": internal error\n";
      }
      return;
    }
    status = code;
  });
  ioc.run();
  return status;
}

std::chrono::milliseconds seconds_to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000)));
}

std::string describe_failure(const Error& e, std::string_view kind, std::string_view name, std::string_view url) {
  const std::string what = std::string(kind) + " '" + std::string(name) + "'";
  std::string out;
  if (e.kind == ErrorKind::connect) {
    out = "cannot reach " + std::string(what) + " at " + std::string(url) + ": " + e.message +
          " — is it running? Check --url, or the local runtime with `kaos up`";
  } else if (e.kind == ErrorKind::timeout) {
    out = std::string(what) + " at " + std::string(url) + " did not answer in time: " + e.message +
          " (raise --timeout for long runs)";
  } else if (e.kind == ErrorKind::http) {
    out = std::string(what) + " at " + std::string(url) + " answered " + e.message;
    if (e.http_status == 404) out += " — is this the base URL of a KAOS " + std::string(kind) + "?";
  } else if (e.kind == ErrorKind::rpc) {
    out = std::string(what) + " answered: " + e.message;
  } else {
    out = std::string(what) + " at " + std::string(url) + ": " + e.message;
  }
  return out;
}

std::string error_detail(std::string_view body) {
  auto parsed = parse_json(body);
  if (parsed && parsed->is_object()) {
    const auto& o = parsed->as_object();
    if (auto d = string_field(o, "detail")) return std::string(*d);
    if (const auto* err = find_field(o, "error")) {
      if (err->is_string()) return std::string(err->get_string());
      if (err->is_object())
        if (auto m = string_field(err->as_object(), "message")) return std::string(*m);
    }
    if (auto m = string_field(o, "message")) return std::string(*m);
  }
  std::string text(body.substr(0, 300));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

net::Task<Result<json::value>> get_json(net::HttpClient& http, std::string url, std::chrono::milliseconds timeout,
                                        net::Headers headers) {
  net::ClientRequest req;
  req.method = "GET";
  req.url = std::move(url);
  req.headers = std::move(headers);
  req.headers.set("Accept", "application/json");
  req.timeout = timeout;
  auto res = co_await http.send(std::move(req));
  if (!res) co_return res.error();
  if (res->status < 200 || res->status >= 300) {
    auto detail = error_detail(res->body);
    co_return Error::http(res->status, "HTTP " + std::to_string(res->status) + (detail.empty() ? "" : ": " + detail));
  }
  auto parsed = parse_json(res->body);
  if (!parsed) co_return Error{ErrorKind::protocol, "an answer that is not JSON (" + parsed.error().message + ")"};
  co_return std::move(*parsed);
}

std::string query_escape(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace kaos::cli
