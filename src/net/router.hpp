#pragma once
// Routing: method + path pattern → handler, with `{name}` path parameters and a trailing
// `{name...}` wildcard. Middleware wraps handlers in registration order (first added is
// outermost).
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/http.hpp"

namespace kaos::net {

using Handler = std::function<Task<Response>(Request&)>;
using Middleware = std::function<Task<Response>(Request&, const Handler& next)>;

class Router {
 public:
  /// Registers `handler` for `method` ("GET", ... or "*" for any) and `pattern`
  /// ("/v1/models/{id}", "/files/{path...}"). Later registrations of the same pair replace
  /// earlier ones.
  void add(std::string_view method, std::string_view pattern, Handler handler);
  void get(std::string_view pattern, Handler h) { add("GET", pattern, std::move(h)); }
  void post(std::string_view pattern, Handler h) { add("POST", pattern, std::move(h)); }

  /// Adds a middleware applied to every routed request (including 404/405 answers).
  void use(Middleware mw);

  /// Custom answers for unknown paths / wrong methods (defaults: JSON {"detail": ...}).
  void set_not_found(Handler h) { not_found_ = std::move(h); }
  void set_method_not_allowed(Handler h) { method_not_allowed_ = std::move(h); }

  /// Builds error responses the router and the server produce themselves (404, 405, and the
  /// server's 400/413/431/500 answers before or around routing). Default: JSON
  /// {"detail": message}. An OpenAI-facing server can return {"error":{...}} instead.
  /// Must not throw; called on the connection's strand.
  using ErrorResponder = std::function<Response(int status, std::string message)>;
  void set_error_responder(ErrorResponder r) { error_responder_ = std::move(r); }
  /// The error response for `status` with `message` (uses the responder when set).
  Response error_response(int status, std::string message) const;

  /// Resolves and runs the handler chain for `req` (fills req.params).
  Task<Response> dispatch(Request& req) const;

 private:
  struct Route;
  const Handler* match(Request& req, bool& path_matched) const;
  std::string allowed_methods(const Request& req) const;
  std::vector<std::shared_ptr<Route>> routes_;
  std::vector<Middleware> middleware_;
  Handler not_found_;
  Handler method_not_allowed_;
  ErrorResponder error_responder_;
};

}  // namespace kaos::net
