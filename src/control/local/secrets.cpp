#include "control/local/secrets.hpp"

#include "core/base64.hpp"

#include <fmt/format.h>

#include "core/json.hpp"

namespace kaos::local {

namespace {

// A key of a Secret or ConfigMap document of the set, in `ns`.
std::optional<std::string> from_documents(const std::vector<api::Resource>& resources, std::string_view kind,
                                          const std::string& ns, const std::string& name, const std::string& key) {
  for (const auto& r : resources) {
    const auto* g = std::get_if<api::GenericObject>(&r);
    if (!g || g->kind != kind || g->metadata.name != name) continue;
    if (!g->metadata.namespace_.empty() && g->metadata.namespace_ != ns) continue;
    // stringData (Secret) and data (ConfigMap) are plain; Secret data is base64.
    for (std::string_view field : {"stringData", "data"}) {
      const auto* f = find_field(g->raw, field);
      if (!f || !f->is_object()) continue;
      auto v = string_field(f->get_object(), key);
      if (!v) continue;
      if (kind == "Secret" && field == "data") {
        if (auto decoded = decode_base64(*v)) return decoded;
        continue;
      }
      return std::string(*v);
    }
  }
  return std::nullopt;
}

}  // namespace

Result<std::map<std::string, std::map<std::string, std::string>>> SecretStore::load() const {
  std::map<std::string, std::map<std::string, std::string>> out;
  auto text = read_file(dir_.secrets_file());
  if (!text) return out;  // no store yet
  auto v = parse_json(*text);
  if (!v || !v->is_object()) return Error::invalid(dir_.secrets_file() + " is not a JSON object; fix or remove it");
  for (const auto& [secret, keys] : v->get_object()) {
    if (!keys.is_object()) continue;
    for (const auto& [k, value] : keys.get_object())
      if (value.is_string()) out[std::string(secret)][std::string(k)] = std::string(value.get_string());
  }
  return out;
}

namespace {
Result<void> save(const StateDir& dir, const std::map<std::string, std::map<std::string, std::string>>& all) {
  json::object o;
  for (const auto& [secret, keys] : all) {
    json::object k;
    for (const auto& [key, value] : keys) k[key] = value;
    o[secret] = std::move(k);
  }
  if (auto r = dir.ensure(); !r) return r;
  return write_file_atomic(dir.secrets_file(), to_pretty_json(o) + "\n", 0600);
}
}  // namespace

Result<void> SecretStore::set(const std::string& ns, const std::string& name, const std::string& key,
                              const std::string& value) const {
  auto all = load();
  if (!all) return all.error();
  (*all)[ns + "/" + name][key] = value;
  return save(dir_, *all);
}

Result<bool> SecretStore::remove(const std::string& ns, const std::string& name, const std::string& key) const {
  auto all = load();
  if (!all) return all.error();
  auto it = all->find(ns + "/" + name);
  if (it == all->end()) return false;
  if (key.empty()) {
    all->erase(it);
  } else if (it->second.erase(key) == 0) {
    return false;
  } else if (it->second.empty()) {
    all->erase(it);
  }
  if (auto r = save(dir_, *all); !r) return r.error();
  return true;
}

Result<std::map<std::string, std::string>> resolve_env(const plan::Workload& w,
                                                       const std::vector<api::Resource>& resources,
                                                       const SecretStore& store) {
  std::map<std::string, std::string> out;
  std::optional<std::map<std::string, std::map<std::string, std::string>>> local;
  const auto& ns = w.ref.namespace_;
  for (const auto& e : w.env) {
    if (!e.value_from) {
      out[e.name] = e.value;
      continue;
    }
    const auto& src = *e.value_from;
    if (src.secret_key_ref) {
      const auto& ref = *src.secret_key_ref;
      auto v = from_documents(resources, "Secret", ns, ref.name, ref.key);
      if (!v) {
        if (!local) {
          auto loaded = store.load();
          if (!loaded) return loaded.error();
          local = std::move(*loaded);
        }
        auto s = local->find(ns + "/" + ref.name);
        if (s != local->end())
          if (auto k = s->second.find(ref.key); k != s->second.end()) v = k->second;
      }
      if (!v) {
        if (ref.optional.value_or(false)) continue;
        return Error::not_found(fmt::format(
            "env {}: secret '{}' key '{}' not found in namespace '{}': add a Secret to the manifests or run "
            "`kaos secret set {} {}{}`",
            e.name, ref.name, ref.key, ns, ref.name, ref.key, ns == "default" ? "" : " -n " + ns));
      }
      out[e.name] = *v;
    } else if (src.config_map_key_ref) {
      const auto& ref = *src.config_map_key_ref;
      auto v = from_documents(resources, "ConfigMap", ns, ref.name, ref.key);
      if (!v) {
        if (ref.optional.value_or(false)) continue;
        return Error::not_found(
            fmt::format("env {}: ConfigMap '{}' key '{}' not found in namespace '{}': add the "
                        "ConfigMap to the manifests",
                        e.name, ref.name, ref.key, ns));
      }
      out[e.name] = *v;
    } else if (src.field_ref) {
      const auto& path = src.field_ref->field_path;
      if (path == "metadata.name") {
        out[e.name] = w.ref.name;
      } else if (path == "metadata.namespace") {
        out[e.name] = ns;
      } else if (path == "status.podIP" || path == "status.hostIP") {
        out[e.name] = "127.0.0.1";
      } else {
        return Error::invalid(
            fmt::format("env {}: fieldRef '{}' has no local meaning (supported: metadata.name, "
                        "metadata.namespace, status.podIP)",
                        e.name, path));
      }
    } else {
      return Error::invalid(fmt::format("env {}: resourceFieldRef has no local meaning; set a value instead", e.name));
    }
  }
  return out;
}

}  // namespace kaos::local
