// Watch streams and ListWatcher against the stand-in: events, bookmarks, dropped connections
// (resume without duplicates or losses), compaction (410 → relist with a replace).
#include "k8s/watch.hpp"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>
#include <condition_variable>
#include <map>

#include "k8s/api_error.hpp"
#include "k8s/rest_client.hpp"
#include "k8s/standin_test_support.hpp"
#include "net/testing.hpp"

namespace kaos::k8s {
namespace {

using net::testing::Loop;
namespace asio = boost::asio;

const ResourceType kConfigMaps{"", "v1", "configmaps", "ConfigMap", true};
const ResourceType kSecrets{"", "v1", "secrets", "Secret", true};

json::object named(const std::string& name) {
  return json::object{{"metadata", json::object{{"name", name}, {"namespace", "default"}}}};
}

std::string name_of(const json::object& o) {
  return std::string(string_field(o.at("metadata").as_object(), "name").value_or(""));
}

/// What a ListWatcher delivered: the current set by name and the log of events; thread-safe,
/// with a bounded wait for a condition.
struct Recorder {
  std::mutex mu;
  std::condition_variable changed;
  std::map<std::string, json::object> objects;
  std::vector<std::string> log;  ///< "ADDED a", "REPLACE 3", …
  int replaces = 0;

  ListWatchSink sink() {
    return {[this](std::vector<json::object> items, const std::string&) {
              std::lock_guard lock(mu);
              objects.clear();
              for (auto& o : items) objects[name_of(o)] = std::move(o);
              log.push_back("REPLACE " + std::to_string(objects.size()));
              ++replaces;
              changed.notify_all();
            },
            [this](const WatchEvent& e) {
              std::lock_guard lock(mu);
              std::string name = name_of(e.object);
              if (e.type == WatchEventType::deleted)
                objects.erase(name);
              else
                objects[name] = e.object;
              log.push_back(std::string(to_string(e.type)) + " " + name);
              changed.notify_all();
            },
            {}};
  }
  /// Waits (at most 20 s) for `pred`, checked at each delivery and every 50 ms (for
  /// conditions no delivery signals, such as the watcher's bookmark count).
  template <class Pred>
  bool wait(Pred pred) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::unique_lock lock(mu);
    while (!pred()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      changed.wait_for(lock, std::chrono::milliseconds(50));
    }
    return true;
  }
  int count(const std::string& entry) {
    std::lock_guard lock(mu);
    return static_cast<int>(std::count(log.begin(), log.end(), entry));
  }
};

/// A ListWatcher running on the loop until stop().
class RunningWatcher {
 public:
  RunningWatcher(Loop& loop, RestClient& client, Recorder& recorder, ListWatcherOptions options = {},
                 std::function<json::object(json::object)> trim = {})
      : strand_(asio::make_strand(loop.context())), watcher_(client, kConfigMaps, "default", options) {
    auto sink = recorder.sink();
    sink.trim = std::move(trim);
    asio::co_spawn(strand_, watcher_.run(std::move(sink)),
                   asio::bind_cancellation_slot(signal_.slot(), [this](std::exception_ptr, Result<void> r) {
                     result_ = r.has_value() ? ErrorKind::invalid : r.error().kind;
                     done_.set();
                   }));
  }
  ~RunningWatcher() { stop(); }
  ErrorKind stop() {
    if (!done_.is_set()) asio::post(strand_, [this] { signal_.emit(asio::cancellation_type::terminal); });
    EXPECT_TRUE(done_.wait());
    return result_;
  }
  ListWatcher& watcher() { return watcher_; }

 private:
  asio::strand<asio::io_context::executor_type> strand_;
  ListWatcher watcher_;
  asio::cancellation_signal signal_;
  net::testing::Flag done_;
  ErrorKind result_ = ErrorKind::invalid;
};

class WatchTest : public ::testing::Test {
 protected:
  void start(double bookmark_interval) {
    testing::StandInOptions options;
    options.crds = false;
    options.bookmark_interval = bookmark_interval;
    auto started = testing::StandIn::start(options);
    ASSERT_TRUE(started) << started.error().message;
    standin_ = std::move(*started);
    client_ = std::make_unique<RestClient>(loop_.executor(), standin_->config());
  }
  template <class T>
  T run(net::Task<T> task) {
    return loop_.run(std::move(task));
  }
  void post(const std::string& path) {
    auto r = run(client_->request("POST", path, "{}"));
    ASSERT_TRUE(r) << r.error().message;
  }

  Loop loop_{2};
  std::unique_ptr<testing::StandIn> standin_;
  std::unique_ptr<RestClient> client_;
};

TEST_F(WatchTest, RawWatchSeesAddedModifiedDeletedAndBookmarks) {
  start(0.2);
  auto events = run([](RestClient& c) -> net::Task<Result<std::vector<std::string>>> {
    auto listed = co_await c.list(kConfigMaps, "default");
    if (!listed) co_return listed.error();
    WatchOptions options;  // named: GCC 12 destroys aggregate temporaries in a co_await twice
    options.resource_version = listed->resource_version;
    auto stream = co_await c.watch(kConfigMaps, "default", options);
    if (!stream) co_return stream.error();
    auto created = co_await c.create(kConfigMaps, named("w"));
    if (!created) co_return created.error();
    (*created)["data"] = json::object{{"k", "v"}};
    if (auto u = co_await c.update(kConfigMaps, *created); !u) co_return u.error();
    if (auto d = co_await c.remove(kConfigMaps, "default", "w"); !d) co_return d.error();
    std::vector<std::string> seen;
    bool bookmark = false;
    while (seen.size() < 3 || !bookmark) {
      auto e = co_await (*stream)->next();
      if (!e) co_return e.error();
      if (!*e) break;
      if ((*e)->type == WatchEventType::bookmark) {
        bookmark = true;
        continue;
      }
      seen.push_back(std::string(to_string((*e)->type)) + " " + name_of((*e)->object));
    }
    co_return seen;
  }(*client_));
  ASSERT_TRUE(events) << events.error().message;
  EXPECT_EQ(*events, (std::vector<std::string>{"ADDED w", "MODIFIED w", "DELETED w"}));
  EXPECT_GE((client_->counts().snapshot()[{"watch", 200}]), 1u);
}

TEST_F(WatchTest, WatchFromACompactedVersionGetsA410ErrorEvent) {
  start(3600);
  auto listed = run(client_->list(kConfigMaps, "default"));
  ASSERT_TRUE(listed);
  ASSERT_TRUE(run(client_->create(kSecrets, named("bump"))));
  post("/_standin/compact");
  auto first = run([](RestClient& c, std::string rv) -> net::Task<Result<std::optional<WatchEvent>>> {
    WatchOptions options;
    options.resource_version = rv;
    auto stream = co_await c.watch(kConfigMaps, "default", options);
    if (!stream) co_return stream.error();
    co_return co_await (*stream)->next();
  }(*client_, listed->resource_version));
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->type, WatchEventType::error);
  EXPECT_EQ(int_field((*first)->object, "code"), 410);
}

TEST_F(WatchTest, ListWatcherResumesAfterADropWithoutDuplicatesOrLosses) {
  start(0.2);
  ASSERT_TRUE(run(client_->create(kConfigMaps, named("before"))));
  Recorder recorder;
  RunningWatcher running(loop_, *client_, recorder);
  ASSERT_TRUE(recorder.wait([&] { return recorder.replaces == 1 && recorder.objects.count("before"); }));
  ASSERT_TRUE(run(client_->create(kConfigMaps, named("a"))));
  ASSERT_TRUE(recorder.wait([&] { return recorder.objects.count("a") == 1; }));
  // Bookmarks advance the version while nothing changes.
  ASSERT_TRUE(recorder.wait([&] { return running.watcher().stats().bookmarks >= 2; }));

  post("/_standin/watches/drop");
  ASSERT_TRUE(run(client_->create(kConfigMaps, named("b"))));
  ASSERT_TRUE(run(client_->remove(kConfigMaps, "default", "a")));
  ASSERT_TRUE(recorder.wait([&] { return recorder.objects.count("b") == 1 && recorder.objects.count("a") == 0; }));
  EXPECT_EQ(recorder.count("ADDED a"), 1);
  EXPECT_EQ(recorder.count("ADDED b"), 1);
  EXPECT_EQ(recorder.count("DELETED a"), 1);
  auto stats = running.watcher().stats();
  EXPECT_EQ(stats.lists, 1u);
  EXPECT_GE(stats.resumes, 1u);
  EXPECT_EQ(running.stop(), ErrorKind::cancelled);
}

TEST_F(WatchTest, ListWatcherTrimsEachPageOfAPaginatedList) {
  start(1.0);
  for (int i = 0; i < 5; ++i) {
    auto cm = named("cm" + std::to_string(i));
    cm["data"] = json::object{{"big", "value"}};
    ASSERT_TRUE(run(client_->create(kConfigMaps, cm)));
  }
  Recorder recorder;
  ListWatcherOptions options;
  options.page_size = 2;  // three pages
  int trimmed = 0;
  RunningWatcher running(loop_, *client_, recorder, options, [&trimmed](json::object o) {
    o.erase("data");
    ++trimmed;
    return o;
  });
  ASSERT_TRUE(recorder.wait([&] { return recorder.replaces == 1; }));
  std::lock_guard lock(recorder.mu);
  EXPECT_EQ(recorder.objects.size(), 5u);
  EXPECT_EQ(trimmed, 5);
  for (const auto& [name, o] : recorder.objects) EXPECT_FALSE(o.contains("data")) << name;
}

TEST_F(WatchTest, ListWatcherRelistsAfterCompactionAndSeesDeletionsAsAReplace) {
  start(3600);  // no bookmarks: the watcher's version stays behind the compaction
  ASSERT_TRUE(run(client_->create(kConfigMaps, named("old"))));
  Recorder recorder;
  RunningWatcher running(loop_, *client_, recorder);
  ASSERT_TRUE(recorder.wait([&] { return recorder.replaces == 1; }));
  // A change the configmap watch does not deliver moves the server past the watcher's version;
  // the compaction then forgets it, and the dropped watch resumes from a version too old.
  ASSERT_TRUE(run(client_->create(kSecrets, named("moves-the-version"))));
  post("/_standin/compact");
  post("/_standin/watches/drop");
  ASSERT_TRUE(run(client_->remove(kConfigMaps, "default", "old")));
  ASSERT_TRUE(run(client_->create(kConfigMaps, named("new"))));
  ASSERT_TRUE(recorder.wait([&] { return recorder.objects.count("new") == 1 && recorder.objects.count("old") == 0; }));
  ASSERT_TRUE(recorder.wait([&] { return recorder.replaces >= 2; }));
  EXPECT_GE(running.watcher().stats().relists, 1u);
}

TEST_F(WatchTest, ListWatcherRelistsWhenTheWatchAnswers410) {
  start(3600);
  Recorder recorder;
  RunningWatcher running(loop_, *client_, recorder);
  ASSERT_TRUE(recorder.wait([&] { return recorder.replaces == 1; }));
  auto inject = run(client_->request(
      "POST", "/_standin/inject",
      R"({"method": "GET", "pathPrefix": "/api/v1/namespaces/default/configmaps", "code": 410, "reason": "Expired"})"));
  ASSERT_TRUE(inject) << inject.error().message;
  post("/_standin/watches/drop");
  ASSERT_TRUE(recorder.wait([&] { return recorder.replaces == 2; }));
  EXPECT_EQ(running.watcher().stats().relists, 1u);
  EXPECT_EQ(running.watcher().stats().errors, 0u);
}

}  // namespace
}  // namespace kaos::k8s
