#pragma once
// An informer: a ListWatcher's deliveries kept in an ObjectCache, with handlers told of each
// change. `transform` trims objects before they are stored (controller-runtime's
// TransformFunc), e.g. dropping managedFields, which bounds the operator's memory with many
// objects. Handlers run on the informer's executor, after the cache holds the change.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "k8s/object_cache.hpp"

namespace kaos::k8s {

class Informer {
 public:
  /// Must be idempotent: a ListWatcher may already have applied it to listed objects
  /// (ListWatchSink::trim), and replace() applies it again.
  using Transform = std::function<json::object(json::object)>;
  using Handler = std::function<void(const CacheChange&)>;

  explicit Informer(std::string name, Transform transform = {});

  /// Registers an index (ObjectCache::add_index) and handlers, before deliveries start.
  void add_index(const std::string& index, ObjectCache::IndexFn fn) { cache_.add_index(index, std::move(fn)); }
  void on_change(Handler handler) { handlers_.push_back(std::move(handler)); }

  /// A full list (first sync, or a relist after a 410): the cache becomes exactly `objects`.
  void replace(std::vector<json::object> objects);
  /// An informer fed by one list-watch per namespace: synced() waits for a list of each.
  void expect_namespaces(std::vector<std::string> namespaces);
  /// The full list of one namespace: that namespace's objects become exactly `objects`; the
  /// other namespaces' objects stay (a relist of one must not forget the others).
  void replace_namespace(const std::string& namespace_, std::vector<json::object> objects);
  /// A list of `namespace_` ("" = all namespaces) delivered page by page
  /// (ListWatchSink::list_page / list_done): each page's objects are stored (and handlers told)
  /// as they come; list_done drops what that list did not hold and counts as its full list for
  /// synced(). Lists of different namespaces may interleave.
  void list_page(const std::string& namespace_, std::vector<json::object> objects);
  void list_done(const std::string& namespace_);
  /// One watch event ("ADDED", "MODIFIED", "DELETED"; others are ignored).
  void event(std::string_view type, json::object object);

  /// True once the first full list arrived (of every expected namespace).
  bool synced() const { return synced_ && pending_namespaces_.empty(); }
  const ObjectCache& cache() const { return cache_; }
  const std::string& name() const { return name_; }
  const Transform& transform() const { return transform_; }

 private:
  void notify(const CacheChange& change);

  std::string name_;
  Transform transform_;
  ObjectCache cache_;
  std::vector<Handler> handlers_;
  bool synced_ = false;
  std::set<std::string> pending_namespaces_;             ///< expected, not listed yet
  std::map<std::string, std::set<std::string>> listed_;  ///< namespace → keys its list delivered so far
};

/// The transform every informer of ours uses at least: metadata.managedFields and the
/// kubectl.kubernetes.io/last-applied-configuration annotation dropped (both can be larger than
/// the rest of the object, and no controller reads them).
json::object drop_bookkeeping(json::object object);

}  // namespace kaos::k8s
