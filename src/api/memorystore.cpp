#include "api/memorystore.hpp"

#include "core/quantity.hpp"

namespace kaos::api {

MemoryStore read_memorystore(const json::value& document, std::string_view default_namespace) {
  MemoryStore m;
  const auto& o = document.get_object();
  m.metadata = read_object_meta(find_field(o, "metadata"), default_namespace);
  if (const auto* spec = find_field(o, "spec")) read_value(*spec, m.spec);
  if (const auto* status = find_field(o, "status"); status && status->is_object()) m.status = status->get_object();
  return m;
}

json::value to_json(const MemoryStore& store) {
  json::object o;
  o["apiVersion"] = "kaos.tools/v1alpha1";
  o["kind"] = "MemoryStore";
  o["metadata"] = write_object_meta(store.metadata);
  o["spec"] = write_value(store.spec);
  if (store.status) o["status"] = *store.status;
  return o;
}

void check_memorystore(const MemoryStore& store, Diagnostics& out) {
  const auto& spec = store.spec;
  if (spec.telemetry) check_telemetry(*spec.telemetry, "spec.telemetry", out);
  if (spec.container) check_container_override(*spec.container, "spec.container", out);
  if (spec.storage.type == StorageType::Local && spec.storage.external) {
    out.warning("spec.storage.external", "ignored when storage.type is 'local'");
  }
  if (spec.storage.type == StorageType::External && spec.storage.local) {
    out.warning("spec.storage.local", "ignored when storage.type is 'external'");
  }
  if (spec.storage.local && spec.storage.local->persistent_volume) {
    const auto& size = spec.storage.local->persistent_volume->size;
    if (!size.empty() && !parse_quantity(size)) {
      out.error("spec.storage.local.persistentVolume.size", "invalid quantity \"" + size + "\"");
    }
  }
}

MemoryReadScope store_max_read_scope(const MemoryStoreSpec& spec) {
  return spec.max_read_scope.value_or(MemoryReadScope::Agent);
}

MemoryReadScope resolve_max_read_scope(const MemoryConfig& memory, const MemoryStoreSpec* bound_store) {
  if (memory.max_read_scope) return *memory.max_read_scope;
  if (bound_store) return store_max_read_scope(*bound_store);
  return MemoryReadScope::Session;
}

std::int32_t effective_replicas(const MemoryStoreSpec& spec) {
  if (spec.replicas) return *spec.replicas;
  return spec.storage.type == StorageType::Local ? 1 : 2;
}

}  // namespace kaos::api
