#include "k8s/object_cache.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace kaos::k8s {

namespace {

std::string_view meta_string(const json::object& object, std::string_view field) {
  const auto* meta = find_field(object, "metadata");
  if (!meta || !meta->is_object()) return {};
  return string_field(meta->as_object(), field).value_or(std::string_view{});
}

}  // namespace

std::string object_key(std::string_view namespace_, std::string_view name) {
  if (namespace_.empty()) return std::string(name);
  return std::string(namespace_) + "/" + std::string(name);
}

std::string object_key(const json::object& object) {
  return object_key(meta_string(object, "namespace"), meta_string(object, "name"));
}

std::string resource_version(const json::object& object) {
  return std::string(meta_string(object, "resourceVersion"));
}

ObjectCache::ObjectCache() {
  add_index(kNamespaceIndex,
            [](const json::object& o) { return std::vector<std::string>{std::string(meta_string(o, "namespace"))}; });
}

void ObjectCache::add_index(const std::string& index, IndexFn fn) {
  index_fns_[index] = std::move(fn);
  for (const auto& [key, stored] : objects_) {
    for (const auto& value : index_fns_[index](*parse_stored(stored))) {
      indexes_[index][value].insert(key);
      filed_[key].emplace_back(index, value);
    }
  }
}

void ObjectCache::index_object(const std::string& key, const json::object& object) {
  auto& filed = filed_[key];
  for (const auto& [index, fn] : index_fns_) {
    for (const auto& value : fn(object)) {
      indexes_[index][value].insert(key);
      filed.emplace_back(index, value);
    }
  }
}

void ObjectCache::unindex_object(const std::string& key) {
  auto it = filed_.find(key);
  if (it == filed_.end()) return;
  for (const auto& [index, value] : it->second) {
    auto& values = indexes_[index];
    auto v = values.find(value);
    if (v == values.end()) continue;
    v->second.erase(key);
    if (v->second.empty()) values.erase(v);
  }
  filed_.erase(it);
}

ObjectPtr ObjectCache::parse_stored(const Stored& stored) {
  // The text was serialized by this cache from a valid object: parsing it cannot fail.
  return std::make_shared<const json::object>(json::parse(stored.json).as_object());
}

std::optional<CacheChange> ObjectCache::upsert(const json::object& object) {
  const std::string key = object_key(object);
  std::string version = resource_version(object);
  auto it = objects_.find(key);
  if (it != objects_.end() && !version.empty() && it->second.resource_version == version) {
    return std::nullopt;  // the same version again (a relist): no change
  }
  auto fresh = std::make_shared<const json::object>(object);
  Stored stored{json::serialize(object), std::move(version)};
  ObjectPtr previous;
  if (it != objects_.end()) {
    previous = parse_stored(it->second);
    unindex_object(key);
    it->second = std::move(stored);
  } else {
    objects_.emplace(key, std::move(stored));
  }
  index_object(key, *fresh);
  return CacheChange{previous ? CacheChange::Type::updated : CacheChange::Type::added, fresh, previous};
}

std::optional<CacheChange> ObjectCache::erase(const std::string& key) {
  auto it = objects_.find(key);
  if (it == objects_.end()) return std::nullopt;
  ObjectPtr last = parse_stored(it->second);
  unindex_object(key);
  objects_.erase(it);
  return CacheChange{CacheChange::Type::deleted, last, nullptr};
}

std::vector<CacheChange> ObjectCache::replace(const std::vector<json::object>& objects) {
  std::vector<CacheChange> changes;
  std::set<std::string> present;
  for (const auto& object : objects) {
    present.insert(object_key(object));
    if (auto change = upsert(object)) changes.push_back(std::move(*change));
  }
  std::vector<std::string> gone;
  for (const auto& [key, _] : objects_) {
    if (!present.contains(key)) gone.push_back(key);
  }
  for (const auto& key : gone) {
    if (auto change = erase(key)) changes.push_back(std::move(*change));
  }
  return changes;
}

std::vector<CacheChange> ObjectCache::replace_namespace(const std::string& namespace_,
                                                        const std::vector<json::object>& objects) {
  std::vector<CacheChange> changes;
  std::set<std::string> present;
  for (const auto& object : objects) {
    present.insert(object_key(object));
    if (auto change = upsert(object)) changes.push_back(std::move(*change));
  }
  for (const auto& key : keys_by_index(kNamespaceIndex, namespace_)) {
    if (present.contains(key)) continue;
    if (auto change = erase(key)) changes.push_back(std::move(*change));
  }
  return changes;
}

std::vector<CacheChange> ObjectCache::drop_unlisted(const std::set<std::string>& listed,
                                                    const std::string& namespace_) {
  std::vector<std::string> gone;
  if (namespace_.empty()) {
    for (const auto& [key, _] : objects_) {
      if (!listed.contains(key)) gone.push_back(key);
    }
  } else {
    for (auto& key : keys_by_index(kNamespaceIndex, namespace_)) {
      if (!listed.contains(key)) gone.push_back(std::move(key));
    }
  }
  std::vector<CacheChange> changes;
  for (const auto& key : gone) {
    if (auto change = erase(key)) changes.push_back(std::move(*change));
  }
  return changes;
}

std::optional<CacheChange> ObjectCache::apply(std::string_view event_type, const json::object& object) {
  if (event_type == "ADDED" || event_type == "MODIFIED") return upsert(object);
  if (event_type == "DELETED") return erase(object_key(object));
  return std::nullopt;
}

ObjectPtr ObjectCache::get(const std::string& key) const {
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : parse_stored(it->second);
}

std::vector<ObjectPtr> ObjectCache::list() const {
  std::vector<ObjectPtr> out;
  out.reserve(objects_.size());
  for (const auto& [_, stored] : objects_) out.push_back(parse_stored(stored));
  return out;
}

std::vector<std::string> ObjectCache::keys_by_index(const std::string& index, const std::string& value) const {
  auto i = indexes_.find(index);
  if (i == indexes_.end()) return {};
  auto v = i->second.find(value);
  if (v == i->second.end()) return {};
  return {v->second.begin(), v->second.end()};
}

std::vector<ObjectPtr> ObjectCache::by_index(const std::string& index, const std::string& value) const {
  std::vector<ObjectPtr> out;
  for (const auto& key : keys_by_index(index, value)) out.push_back(get(key));
  return out;
}

}  // namespace kaos::k8s
