// Route table, middleware chain, default JSON errors (CORS is browser_safety.cpp's).
#include "net/router.hpp"

#include "net/url.hpp"

namespace kaos::net {

struct Router::Route {
  enum class Kind { literal, param, rest };
  struct Segment {
    Kind kind;
    std::string text;  // literal text or parameter name
  };
  std::string method;
  std::string pattern;
  std::vector<Segment> segments;
  Handler handler;
  bool match(std::string_view path, std::map<std::string, std::string, std::less<>>* params) const;
};

namespace {

/// Splits "/a/b/c" into {"a","b","c"} (views into `path`).
template <class F>
void for_each_segment(std::string_view path, F&& f) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    if (!f(path.substr(0, slash))) return;
    if (slash == std::string_view::npos) return;
    path.remove_prefix(slash + 1);
  }
}

std::string_view raw_path(const Request& req) {
  if (req.target.empty()) return req.path;
  std::string_view t = req.target;
  return t.substr(0, t.find('?'));
}

struct Chain {
  const std::vector<Middleware>& middleware;
  const Handler& final;
};

Task<Response> call_level(const Chain& chain, std::size_t level, Request& req) {
  if (level == chain.middleware.size()) co_return co_await chain.final(req);
  // Captures two words: fits std::function's small buffer, so no allocation per level.
  Handler next = [&chain, level](Request& r) { return call_level(chain, level + 1, r); };
  co_return co_await chain.middleware[level](req, next);
}

}  // namespace

bool Router::Route::match(std::string_view path, std::map<std::string, std::string, std::less<>>* params) const {
  std::size_t i = 0;
  bool ok = true;
  std::string_view rest;
  std::string_view remaining = path.empty() || path.front() != '/' ? path : path.substr(1);
  for_each_segment(path, [&](std::string_view seg) {
    if (i >= segments.size()) {
      ok = false;
      return false;
    }
    const auto& want = segments[i];
    if (want.kind == Kind::rest) {
      rest = remaining;
      i++;
      return false;
    }
    if (want.kind == Kind::literal ? seg != want.text : seg.empty()) {
      ok = false;
      return false;
    }
    remaining.remove_prefix(std::min(remaining.size(), seg.size() + 1));
    i++;
    return true;
  });
  if (!ok) return false;
  // A trailing {rest...} may match nothing when the path ends right before it.
  if (i != segments.size() && !(i + 1 == segments.size() && segments[i].kind == Kind::rest)) return false;
  if (params) {
    std::size_t k = 0;
    for_each_segment(path, [&](std::string_view seg) {
      if (k >= segments.size()) return false;
      const auto& want = segments[k++];
      if (want.kind == Kind::param) (*params)[want.text] = percent_decode(seg);
      return want.kind != Kind::rest;
    });
    for (const auto& s : segments)
      if (s.kind == Kind::rest) (*params)[s.text] = percent_decode(rest);
  }
  return true;
}

void Router::add(std::string_view method, std::string_view pattern, Handler handler) {
  auto route = std::make_shared<Route>();
  route->method = std::string(method);
  route->pattern = std::string(pattern);
  route->handler = std::move(handler);
  for_each_segment(pattern, [&](std::string_view seg) {
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      std::string_view name = seg.substr(1, seg.size() - 2);
      if (name.size() > 3 && name.substr(name.size() - 3) == "...")
        route->segments.push_back({Route::Kind::rest, std::string(name.substr(0, name.size() - 3))});
      else
        route->segments.push_back({Route::Kind::param, std::string(name)});
    } else {
      route->segments.push_back({Route::Kind::literal, std::string(seg)});
    }
    return true;
  });
  for (auto& r : routes_) {
    if (r->method == route->method && r->pattern == route->pattern) {
      r = std::move(route);
      return;
    }
  }
  routes_.push_back(std::move(route));
}

void Router::use(Middleware mw) {
  middleware_.push_back(std::move(mw));
}

const Handler* Router::match(Request& req, bool& path_matched) const {
  path_matched = false;
  std::string_view path = raw_path(req);
  const Route* hit = nullptr;
  for (const auto& r : routes_) {
    if (!r->match(path, nullptr)) continue;
    path_matched = true;
    if (r->method == req.method || (r->method == "*" && !hit)) {
      hit = r.get();
      if (r->method != "*") break;
    }
  }
  if (!hit) return nullptr;
  hit->match(path, &req.params);
  return &hit->handler;
}

std::string Router::allowed_methods(const Request& req) const {
  std::string out;
  std::string_view path = raw_path(req);
  for (const auto& r : routes_) {
    if (!r->match(path, nullptr)) continue;
    if (out.find(r->method) != std::string::npos) continue;
    if (!out.empty()) out += ", ";
    out += r->method;
  }
  return out;
}

Response Router::error_response(int status, std::string message) const {
  if (error_responder_) return error_responder_(status, std::move(message));
  return Response::detail(status, message);
}

Task<Response> Router::dispatch(Request& req) const {
  bool path_matched = false;
  const Handler* handler = match(req, path_matched);
  Handler fallback;
  if (!handler) {
    if (path_matched) {
      if (method_not_allowed_) {
        handler = &method_not_allowed_;
      } else {
        fallback = [this](Request& r) -> Task<Response> {
          Response res = error_response(405, "Method Not Allowed");
          res.headers.set("Allow", allowed_methods(r));
          co_return res;
        };
        handler = &fallback;
      }
    } else if (not_found_) {
      handler = &not_found_;
    } else {
      fallback = [this](Request&) -> Task<Response> { co_return error_response(404, "Not Found"); };
      handler = &fallback;
    }
  }
  if (middleware_.empty()) co_return co_await (*handler)(req);
  Chain chain{middleware_, *handler};
  co_return co_await call_level(chain, 0, req);
}

}  // namespace kaos::net
