#pragma once
// An informer's store: the latest state of every object of one resource type, by key
// ("namespace/name", or "name" for cluster-scoped objects), with secondary indexes (by
// namespace always; others such as "owner" or "references" are registered by the caller).
// Plain data, fed by a ListWatcher: replace() with the full list after a (re)list, apply() per
// watch event. Both return what changed, so handlers see each change once: a relist after a
// dropped watch or a 410 reports only the objects that differ from the cache (an unchanged
// resourceVersion is no change), and the deletions that happened while nobody watched.
//
// Objects are shared, immutable snapshots: readers keep a pointer while the cache moves on.
// They are stored as compact JSON text and parsed when read (get, list, by_index), which keeps
// a cache of many objects several times smaller than parsed trees would.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/json.hpp"

namespace kaos::k8s {

using ObjectPtr = std::shared_ptr<const json::object>;

/// "namespace/name" or "name": the key client-go's MetaNamespaceKeyFunc gives.
std::string object_key(const json::object& object);
std::string object_key(std::string_view namespace_, std::string_view name);
/// The object's metadata.resourceVersion ("" when absent).
std::string resource_version(const json::object& object);

struct CacheChange {
  enum class Type { added, updated, deleted };
  Type type;
  ObjectPtr object;    ///< the new state (the last known state for deleted)
  ObjectPtr previous;  ///< updated: the state before; null otherwise
};

class ObjectCache {
 public:
  /// Index values of an object (e.g. the names of the ModelAPI and MCPServers an Agent
  /// references, as "namespace/name"). An object may have none or many.
  using IndexFn = std::function<std::vector<std::string>(const json::object&)>;

  ObjectCache();
  /// Registers an index before the first object arrives.
  void add_index(const std::string& index, IndexFn fn);

  /// Replaces the whole content with `objects` (a list) and returns the differences.
  std::vector<CacheChange> replace(const std::vector<json::object>& objects);
  /// Replaces the objects of one namespace with `objects` (a list of that namespace only, as a
  /// namespaced list-watch gives it); the other namespaces' objects stay.
  std::vector<CacheChange> replace_namespace(const std::string& namespace_, const std::vector<json::object>& objects);
  /// A list delivered page by page (so it is never held whole): store one listed object now
  /// (a change, or nothing for the same version) ...
  std::optional<CacheChange> put_listed(const json::object& object) { return upsert(object); }
  /// ... and, once the list is complete, drop what it did not hold: every object not in
  /// `listed` (keys), within `namespace_` ("" = all namespaces).
  std::vector<CacheChange> drop_unlisted(const std::set<std::string>& listed, const std::string& namespace_);
  /// Applies one watch event ("ADDED", "MODIFIED", "DELETED"); other types change nothing.
  std::optional<CacheChange> apply(std::string_view event_type, const json::object& object);

  ObjectPtr get(const std::string& key) const;
  /// Every object, in key order.
  std::vector<ObjectPtr> list() const;
  /// Keys of the objects whose index `index` has `value` (by_namespace: index "namespace").
  std::vector<std::string> keys_by_index(const std::string& index, const std::string& value) const;
  std::vector<ObjectPtr> by_index(const std::string& index, const std::string& value) const;
  std::size_t size() const { return objects_.size(); }

  static constexpr const char* kNamespaceIndex = "namespace";

 private:
  void index_object(const std::string& key, const json::object& object);
  void unindex_object(const std::string& key);
  std::optional<CacheChange> upsert(const json::object& object);
  std::optional<CacheChange> erase(const std::string& key);

  /// An object as it is kept: compact JSON, parsed again when read. A parsed boost::json
  /// object costs several times its text in small heap blocks; the operator reads a handful of
  /// objects per reconcile and keeps tens of thousands.
  struct Stored {
    std::string json;
    std::string resource_version;
  };
  static ObjectPtr parse_stored(const Stored& stored);
  std::map<std::string, Stored> objects_;
  std::map<std::string, IndexFn> index_fns_;
  /// index → value → keys
  std::map<std::string, std::map<std::string, std::set<std::string>>> indexes_;
  /// key → (index, value) pairs it is filed under, to unfile it
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> filed_;
};

}  // namespace kaos::k8s
