#include "k8s/informer.hpp"

namespace kaos::k8s {

Informer::Informer(std::string name, Transform transform) : name_(std::move(name)), transform_(std::move(transform)) {}

void Informer::notify(const CacheChange& change) {
  for (const auto& h : handlers_) h(change);
}

void Informer::replace(std::vector<json::object> objects) {
  if (transform_) {
    for (auto& o : objects) o = transform_(std::move(o));
  }
  auto changes = cache_.replace(objects);
  synced_ = true;
  for (const auto& c : changes) notify(c);
}

void Informer::expect_namespaces(std::vector<std::string> namespaces) {
  pending_namespaces_ = {namespaces.begin(), namespaces.end()};
}

void Informer::replace_namespace(const std::string& namespace_, std::vector<json::object> objects) {
  if (transform_) {
    for (auto& o : objects) o = transform_(std::move(o));
  }
  auto changes = cache_.replace_namespace(namespace_, objects);
  pending_namespaces_.erase(namespace_);
  synced_ = true;
  for (const auto& c : changes) notify(c);
}

void Informer::list_page(const std::string& namespace_, std::vector<json::object> objects) {
  auto& listed = listed_[namespace_];
  for (auto& o : objects) {
    if (transform_) o = transform_(std::move(o));
    listed.insert(object_key(o));
    if (auto change = cache_.put_listed(o)) notify(*change);
  }
}

void Informer::list_done(const std::string& namespace_) {
  auto changes = cache_.drop_unlisted(listed_[namespace_], namespace_);
  listed_.erase(namespace_);
  pending_namespaces_.erase(namespace_);
  synced_ = true;
  for (const auto& c : changes) notify(c);
}

void Informer::event(std::string_view type, json::object object) {
  if (transform_) object = transform_(std::move(object));
  if (auto change = cache_.apply(type, object)) notify(*change);
}

json::object drop_bookkeeping(json::object object) {
  if (auto* m = object.if_contains("metadata"); m && m->is_object()) {
    auto& meta = m->get_object();
    meta.erase("managedFields");
    if (auto* a = meta.if_contains("annotations"); a && a->is_object()) {
      a->get_object().erase("kubectl.kubernetes.io/last-applied-configuration");
      if (a->get_object().empty()) meta.erase("annotations");
    }
  }
  return object;
}

}  // namespace kaos::k8s
