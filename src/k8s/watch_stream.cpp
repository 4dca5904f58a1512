// RestClient::watch and the raw watch stream: chunked JSON lines into WatchEvents.
#include "core/json.hpp"
#include "k8s/rest_client.hpp"
#include "k8s/rest_client_impl.hpp"
#include "k8s/watch.hpp"

namespace kaos::k8s {

std::string_view to_string(WatchEventType type) {
  switch (type) {
    case WatchEventType::added:
      return "ADDED";
    case WatchEventType::modified:
      return "MODIFIED";
    case WatchEventType::deleted:
      return "DELETED";
    case WatchEventType::bookmark:
      return "BOOKMARK";
    case WatchEventType::error:
      return "ERROR";
  }
  return "ERROR";
}

namespace {

constexpr std::size_t kMaxLine = 16 * 1024 * 1024;

std::optional<WatchEventType> event_type(std::string_view s) {
  if (s == "ADDED") return WatchEventType::added;
  if (s == "MODIFIED") return WatchEventType::modified;
  if (s == "DELETED") return WatchEventType::deleted;
  if (s == "BOOKMARK") return WatchEventType::bookmark;
  if (s == "ERROR") return WatchEventType::error;
  return std::nullopt;
}

class HttpWatchStream final : public WatchStream {
 public:
  HttpWatchStream(std::unique_ptr<net::ResponseStream> body, std::string what)
      : body_(std::move(body)), what_(std::move(what)) {}

  net::Task<Result<std::optional<WatchEvent>>> next() override {
    while (true) {
      if (auto newline = buffer_.find('\n', scanned_); newline != std::string::npos) {
        std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        scanned_ = 0;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        co_return parse(line);
      }
      scanned_ = buffer_.size();
      if (buffer_.size() > kMaxLine) co_return Error::too_large(what_ + ": a watch event is over 16 MiB");
      auto piece = co_await body_->next();
      if (!piece) co_return piece.error().reworded(what_ + ": " + piece.error().message);
      if (!*piece) {
        if (buffer_.find_first_not_of(" \t\r\n") == std::string::npos) co_return std::nullopt;
        std::string rest = std::exchange(buffer_, {});  // a last event without its newline
        co_return parse(rest);
      }
      buffer_ += **piece;
    }
  }

 private:
  Result<std::optional<WatchEvent>> parse(std::string_view line) const {
    auto doc = parse_json(line, 512);
    const json::object* o = doc && doc->is_object() ? &doc->as_object() : nullptr;
    auto type = o ? event_type(string_field(*o, "type").value_or("")) : std::nullopt;
    const json::value* object = o ? o->if_contains("object") : nullptr;
    if (!type || !object || !object->is_object())
      return Error::protocol(what_ + ": a watch line is not an event: " + std::string(line.substr(0, 200)));
    return std::optional<WatchEvent>(WatchEvent{*type, object->as_object()});
  }
  std::unique_ptr<net::ResponseStream> body_;
  std::string what_;
  std::string buffer_;
  std::size_t scanned_ = 0;
};

}  // namespace

net::Task<Result<std::unique_ptr<WatchStream>>> RestClient::watch(const ResourceType& type, std::string_view ns,
                                                                  const WatchOptions& options) {
  std::string n = type.namespaced ? std::string(ns) : std::string{};
  std::string what = "watch " + type.plural + (n.empty() ? "" : " in " + n);
  std::string path = type.collection_path(n) + "?watch=1";
  if (!options.resource_version.empty()) path += "&resourceVersion=" + query_escape(options.resource_version);
  if (options.allow_bookmarks) path += "&allowWatchBookmarks=true";
  if (!options.label_selector.empty()) path += "&labelSelector=" + query_escape(options.label_selector);
  if (!options.field_selector.empty()) path += "&fieldSelector=" + query_escape(options.field_selector);
  path += "&timeoutSeconds=" + std::to_string(options.timeout.count());
  // The server ends the stream at timeoutSeconds; our deadline comes a little later.
  auto deadline = std::chrono::duration_cast<std::chrono::milliseconds>(options.timeout) + std::chrono::seconds(30);
  RestCall call{"watch", "GET", path, {}, {}, what};
  auto body = co_await impl_->open(std::move(call), deadline);
  if (!body) co_return body.error();
  co_return std::unique_ptr<WatchStream>(std::make_unique<HttpWatchStream>(std::move(*body), what));
}

}  // namespace kaos::k8s
