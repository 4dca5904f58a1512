// Helpers shared by the transports: deadlines, message parsing, URL resolution.
#include "clients/mcp/wire.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net/url.hpp"

namespace kaos::clients::mcp::detail {

namespace asio = boost::asio;

std::chrono::milliseconds remaining(Deadline deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return std::max(left, std::chrono::milliseconds(1));
}

bool expired(Deadline deadline) {
  return Clock::now() >= deadline;
}

net::Task<bool> pause(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return !ec;
}

std::vector<jsonrpc::Message> parse_messages(std::string_view body) {
  std::vector<jsonrpc::Message> out;
  auto parsed = jsonrpc::parse(body);
  for (auto& item : parsed.items)
    if (item.message) out.push_back(std::move(*item.message));
  return out;
}

bool answers(const jsonrpc::Message& m, std::int64_t id) {
  if (m.kind != jsonrpc::Message::Kind::response && m.kind != jsonrpc::Message::Kind::error) return false;
  auto got = as_int64(m.id);
  if (got) return *got == id;
  // Some servers echo ids as strings; accept "7" for 7.
  if (m.id.is_string()) return m.id.value().as_string() == std::to_string(id);
  return false;
}

bool content_type_is(const net::Headers& headers, std::string_view type) {
  auto value = headers.get("Content-Type");
  if (!value) return false;
  auto v = *value;
  auto semi = v.find(';');
  if (semi != std::string_view::npos) v = v.substr(0, semi);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  return net::iequals(v, type);
}

std::string body_excerpt(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, 300)) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  if (body.size() > 300) out += "...";
  return out.empty() ? std::string("(empty body)") : out;
}

std::string resolve_url(std::string_view base, std::string_view ref) {
  if (ref.starts_with("http://") || ref.starts_with("https://")) return std::string(ref);
  auto scheme_end = base.find("://");
  auto path_start = scheme_end == std::string_view::npos ? std::string_view::npos : base.find('/', scheme_end + 3);
  std::string origin(base.substr(0, path_start));
  if (ref.starts_with('/')) return origin + std::string(ref);
  // Relative path: replace the last segment of the base path (query dropped).
  std::string path = path_start == std::string_view::npos ? "/" : std::string(base.substr(path_start));
  if (auto q = path.find('?'); q != std::string::npos) path.resize(q);
  path.resize(path.rfind('/') + 1);
  return origin + path + std::string(ref);
}

net::ClientRequest base_request(const McpClientOptions& options, std::string method, std::string url,
                                Deadline deadline) {
  net::ClientRequest req;
  req.method = std::move(method);
  req.url = std::move(url);
  req.headers = options.headers;
  req.timeout = remaining(deadline);
  return req;
}

}  // namespace kaos::clients::mcp::detail
