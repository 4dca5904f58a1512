// Bearer keys: constant-time comparison and the middleware that requires a key.
#include "net/api_key.hpp"

namespace kaos::net {

bool constant_time_equal(std::string_view given, std::string_view expected) {
  // Every byte of `expected` is visited whatever `given` holds; a length mismatch only sets a bit.
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= static_cast<unsigned char>(g ^ static_cast<unsigned char>(expected[i]));
  }
  return diff == 0;
}

std::optional<std::string_view> bearer_token(const Request& req) {
  auto auth = req.headers.get("Authorization");
  if (!auth || auth->size() < 7 || !iequals(auth->substr(0, 7), "bearer ")) return std::nullopt;
  auto token = auth->substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  return token;
}

Middleware api_key_middleware(std::string key, RefusalShaper shape, std::string_view key_variable) {
  std::string message =
      "missing or wrong API key: send 'Authorization: Bearer <key>' with the key set in " + std::string(key_variable);
  return [key = std::move(key), shape = std::move(shape), message = std::move(message)](
             Request& req, const Handler& next) -> Task<Response> {
    if (key.empty() || is_probe_path(req.path)) co_return co_await next(req);
    auto token = bearer_token(req);
    if (!token || !constant_time_equal(*token, key)) {
      Response res = shape(req, 401, message);
      res.headers.set("WWW-Authenticate", "Bearer");
      co_return res;
    }
    req.headers.erase("Authorization");
    co_return co_await next(req);
  };
}

}  // namespace kaos::net
