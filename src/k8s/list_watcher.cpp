// ListWatcher: list → replace → watch → apply, relisting after 410 and resuming after drops.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.hpp"
#include "k8s/api_error.hpp"
#include "k8s/rest_client.hpp"
#include "k8s/watch.hpp"

namespace kaos::k8s {
namespace asio = boost::asio;

struct ListWatcher::State {
  mutable std::mutex mu;
  ListWatcherStats stats;
  std::string resource_version;
  bool listed_once = false;
  bool watched_since_list = false;

  template <class F>
  void update(F&& f) {
    std::lock_guard lock(mu);
    f(stats);
  }
  void set_version(std::string rv) {
    std::lock_guard lock(mu);
    resource_version = std::move(rv);
  }
  std::string version() const {
    std::lock_guard lock(mu);
    return resource_version;
  }
};

namespace {

std::string version_of(const json::object& object) {
  const auto* meta = find_field(object, "metadata");
  if (!meta || !meta->is_object()) return {};
  return std::string(string_field(meta->as_object(), "resourceVersion").value_or(""));
}

/// An ERROR event's Status as an Error (410 keeps its code, so status_reason says expired).
Error error_event(const json::object& status, const std::string& what) {
  int code = static_cast<int>(int_field(status, "code").value_or(500));
  return decode_api_error(code, {}, to_json(status), what);
}

net::Task<bool> cancelled() {
  auto state = co_await asio::this_coro::cancellation_state;
  co_return state.cancelled() != asio::cancellation_type::none;
}

}  // namespace

ListWatcher::ListWatcher(RestClient& client, ResourceType type, std::string ns, ListWatcherOptions options)
    : client_(client),
      type_(std::move(type)),
      ns_(std::move(ns)),
      options_(std::move(options)),
      state_(std::make_unique<State>()) {}
ListWatcher::~ListWatcher() = default;

ListWatcherStats ListWatcher::stats() const {
  std::lock_guard lock(state_->mu);
  return state_->stats;
}
std::string ListWatcher::resource_version() const {
  return state_->version();
}

net::Task<Result<void>> ListWatcher::list_and_replace(ListWatchSink& sink) {
  ListOptions list_options{options_.label_selector, options_.field_selector, options_.page_size, {}};
  // Page by page (not list_all), trimming each page: the peak memory of a large list is then
  // the trimmed set plus one untrimmed page.
  std::vector<json::object> items;
  std::string version;
  while (true) {
    auto page = co_await client_.list(type_, ns_, list_options);
    if (!page) co_return page.error();
    if (sink.list_page) {
      if (sink.trim) {
        for (auto& item : page->items) item = sink.trim(std::move(item));
      }
      sink.list_page(std::move(page->items));
    } else {
      for (auto& item : page->items) items.push_back(sink.trim ? sink.trim(std::move(item)) : std::move(item));
    }
    version = page->resource_version;
    if (page->continue_token.empty()) break;
    list_options.continue_token = page->continue_token;
  }
  state_->set_version(version);
  state_->update([&](ListWatcherStats& s) {
    if (state_->listed_once) ++s.relists;
    ++s.lists;
  });
  state_->listed_once = true;
  state_->watched_since_list = false;
  if (sink.list_page) {
    if (sink.list_done) sink.list_done(version);
  } else if (sink.replace) {
    sink.replace(std::move(items), version);
  }
  co_return Result<void>{};
}

net::Task<Result<void>> ListWatcher::watch_once(ListWatchSink& sink) {
  WatchOptions watch_options{state_->version(), options_.label_selector, options_.field_selector, true,
                             options_.watch_timeout};
  if (state_->watched_since_list) state_->update([](ListWatcherStats& s) { ++s.resumes; });
  state_->watched_since_list = true;
  auto opened_at = std::chrono::steady_clock::now();
  auto stream = co_await client_.watch(type_, ns_, watch_options);
  if (!stream) co_return stream.error();
  bool received = false;
  while (true) {
    auto event = co_await (*stream)->next();
    if (!event) {
      if (event.error().kind == ErrorKind::cancelled) co_return event.error();
      // A dropped connection resumes from the last version; one that yields nothing at once
      // is a failure (backoff), so a server that drops every watch is not hammered.
      bool quick = std::chrono::steady_clock::now() - opened_at < std::chrono::seconds(1);
      if (!received && quick) co_return event.error();
      co_return Result<void>{};
    }
    if (!*event) co_return Result<void>{};  // the server ended the stream (timeoutSeconds)
    received = true;
    WatchEvent& e = **event;
    if (e.type == WatchEventType::error) co_return error_event(e.object, "watch " + type_.plural);
    if (std::string rv = version_of(e.object); !rv.empty()) state_->set_version(std::move(rv));
    if (e.type == WatchEventType::bookmark) {
      state_->update([](ListWatcherStats& s) { ++s.bookmarks; });
      continue;
    }
    state_->update([](ListWatcherStats& s) { ++s.events; });
    if (sink.apply) sink.apply(e);
  }
}

net::Task<Result<void>> ListWatcher::run(ListWatchSink sink) {
  bool need_list = true;
  int failures = 0;
  while (true) {
    if (co_await cancelled()) co_return Error::cancelled();
    // Not `need_list ? co_await a : co_await b`: GCC 12 destroys the unused arm's result too.
    Result<void> step;
    if (need_list)
      step = co_await list_and_replace(sink);
    else
      step = co_await watch_once(sink);
    if (step) {
      need_list = false;
      failures = 0;
      continue;
    }
    const Error error = step.error();
    if (error.kind == ErrorKind::cancelled) co_return Error::cancelled();
    if (co_await cancelled()) co_return Error::cancelled();
    if (status_reason(error) == StatusReason::expired) {
      need_list = true;  // the version is too old: list again (a replace shows what the gap deleted)
      continue;
    }
    state_->update([](ListWatcherStats& s) { ++s.errors; });
    if (sink.on_error) sink.on_error(error);
    spdlog::debug("k8s: list-watch of {} will retry: {}", type_.plural, error.message);
    auto wait = options_.backoff.delay(++failures);
    if (error.retry_after) wait = std::max<std::chrono::milliseconds>(wait, *error.retry_after);
    asio::steady_timer timer(co_await asio::this_coro::executor, wait);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return Error::cancelled();
  }
}

}  // namespace kaos::k8s
