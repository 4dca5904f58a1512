#pragma once
// Watching: the raw watch stream (chunked JSON lines of ADDED/MODIFIED/DELETED/BOOKMARK/ERROR)
// and ListWatcher, which keeps a consumer's view complete across dropped connections and
// expired resourceVersions (list, then watch; relist on 410; resume after a drop).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/backoff.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "k8s/group_version.hpp"
#include "net/task.hpp"

namespace kaos::k8s {

class RestClient;

enum class WatchEventType { added, modified, deleted, bookmark, error };
/// "ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR".
std::string_view to_string(WatchEventType type);

struct WatchEvent {
  WatchEventType type = WatchEventType::added;
  /// The object (for BOOKMARK only apiVersion, kind and metadata.resourceVersion; for ERROR
  /// a Status).
  json::object object;
};

struct WatchOptions {
  std::string resource_version{};  ///< start after this version; empty: synthetic ADDED for every object first
  std::string label_selector{};
  std::string field_selector{};
  bool allow_bookmarks = true;
  /// Sent as timeoutSeconds: the server ends the stream after it (the client's deadline is a
  /// little later). Watchers reopen from the last version.
  std::chrono::seconds timeout{300};
};

/// One open watch. Use from the strand that opened it.
class WatchStream {
 public:
  virtual ~WatchStream() = default;
  /// The next event; nullopt when the stream ended (server timeout, a clean close). Errors:
  /// io (connection dropped), timeout, cancelled, protocol (a line that is not an event),
  /// too_large (a line over 16 MiB).
  virtual net::Task<Result<std::optional<WatchEvent>>> next() = 0;
};

/// What a ListWatcher delivers, called on the watcher's strand, one call at a time.
struct ListWatchSink {
  /// The complete set at `resource_version`: after the first list and after every relist (a
  /// replace: objects absent from `items` are gone, even if their DELETED was never seen).
  std::function<void(std::vector<json::object> items, const std::string& resource_version)> replace;
  /// One change (ADDED, MODIFIED or DELETED; never BOOKMARK or ERROR).
  std::function<void(const WatchEvent& event)> apply;
  /// Optional: a failure the watcher is about to retry (after backoff).
  std::function<void(const Error& error)> on_error;
  /// Optional: applied to each listed object as its page arrives (an informer's transform), so
  /// a list of many objects is never held whole and untrimmed (managedFields, pod templates).
  std::function<json::object(json::object)> trim{};
  /// Optional, instead of `replace`: each page of a list as it arrives (trimmed), then
  /// `list_done` with the list's resourceVersion once the last page came. A consumer drops at
  /// list_done whatever no page held. A list of many objects is then never held whole.
  std::function<void(std::vector<json::object> page)> list_page{};
  std::function<void(const std::string& resource_version)> list_done{};
};

struct ListWatcherOptions {
  std::string label_selector{};
  std::string field_selector{};
  std::int64_t page_size = 500;  ///< list limit per page
  std::chrono::seconds watch_timeout{300};
  /// Between failed attempts (list errors, watch errors, a dropped connection that drops again).
  Backoff backoff{std::chrono::milliseconds(200), std::chrono::milliseconds(30'000), 0.5};
};

/// Counters of a ListWatcher's life, for metrics and tests.
struct ListWatcherStats {
  std::uint64_t lists = 0;      ///< complete lists delivered (1 + relists)
  std::uint64_t relists = 0;    ///< lists after a 410 Expired (or a failed list retried)
  std::uint64_t resumes = 0;    ///< watches reopened from the last seen version
  std::uint64_t events = 0;     ///< ADDED/MODIFIED/DELETED delivered
  std::uint64_t bookmarks = 0;  ///< BOOKMARKs seen
  std::uint64_t errors = 0;     ///< failures retried
};

/// list (paginated) → replace → watch from the list's resourceVersion → apply each change.
/// A BOOKMARK advances the version; a 410 (an ERROR event or an answer) lists again; a dropped
/// or ended stream reopens from the last seen version (with backoff when it keeps failing).
class ListWatcher {
 public:
  /// `client` must outlive the watcher. `ns` empty: all namespaces.
  ListWatcher(RestClient& client, ResourceType type, std::string ns, ListWatcherOptions options = {});
  ~ListWatcher();

  /// Runs until the awaiting coroutine is cancelled (returns Error kind cancelled). Never
  /// returns for other failures: they go to sink.on_error and are retried.
  net::Task<Result<void>> run(ListWatchSink sink);

  ListWatcherStats stats() const;
  /// The last version seen (list, event or bookmark).
  std::string resource_version() const;

 private:
  struct State;
  net::Task<Result<void>> list_and_replace(ListWatchSink& sink);
  net::Task<Result<void>> watch_once(ListWatchSink& sink);
  RestClient& client_;
  ResourceType type_;
  std::string ns_;
  ListWatcherOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace kaos::k8s
