#include "api/manifest.hpp"

#include "api/kinds.hpp"
#include "api/schema_validation.hpp"
#include "core/yaml.hpp"

namespace kaos::api {

std::string ManifestEntry::label() const {
  if (kind.empty()) return "<document>";
  return kind + "/" + (name.empty() ? std::string("<unnamed>") : name);
}

std::string ManifestEntry::location() const {
  if (source.empty()) return line > 0 ? "line " + std::to_string(line) + ": " : "";
  if (line <= 0) return source + ": ";
  return source + ":" + std::to_string(line) + ": ";
}

std::string ManifestEntry::format(const Diagnostic& d) const {
  return location() + label() + ": " + d.to_string();
}

bool ManifestSet::has_errors() const {
  for (const auto& e : entries) {
    if (e.has_errors()) return true;
  }
  return false;
}

namespace {

// apiVersion, kind, metadata, spec, status: the top level of a KAOS object.
void validate_kaos_object(json::value& document, const KindInfo& info, ManifestEntry& entry) {
  auto& obj = document.get_object();
  for (const auto& kv : obj) {
    std::string_view key = kv.key();
    if (key != "apiVersion" && key != "kind" && key != "metadata" && key != "spec" && key != "status") {
      entry.diagnostics.error(std::string(key), "unknown field");
    }
  }
  validate_object_meta(find_field(obj, "metadata"), entry.diagnostics);
  if (auto it = obj.find("spec"); it == obj.end() || it->value().is_null()) {
    entry.diagnostics.error("spec", "required");
  } else {
    apply_defaults(it->value(), info.spec_schema());
    validate_against_schema(it->value(), info.spec_schema(), "spec", entry.diagnostics);
  }
  // The status subresource: the API server ignores status on create/apply, so a problem there
  // is a warning (it matters only to whoever copied a live object's status into a manifest).
  if (auto it = obj.find("status"); it != obj.end() && !it->value().is_null()) {
    Diagnostics status;
    validate_against_schema(it->value(), info.status_schema(), "status", status);
    for (const auto& d : status.items()) {
      entry.diagnostics.warning(d.path, d.message + " (status is ignored when applied)");
    }
  }
}

Resource read_kaos_resource(const json::value& document, const KindInfo& info, const LoadOptions& options,
                            Diagnostics& out) {
  const auto& ns = options.default_namespace;
  if (info.kind == "Agent") {
    auto a = read_agent(document, ns);
    check_agent(a, out);
    return a;
  }
  if (info.kind == "ModelAPI") {
    auto m = read_modelapi(document, ns);
    check_modelapi(m, out);
    return m;
  }
  if (info.kind == "MCPServer") {
    auto m = read_mcpserver(document, ns);
    check_mcpserver(m, out);
    return m;
  }
  auto m = read_memorystore(document, ns);
  check_memorystore(m, out);
  return m;
}

std::string group_of(std::string_view api_version) {
  auto slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string() : std::string(api_version.substr(0, slash));
}

}  // namespace

ManifestEntry validate_document(json::value document, const LoadOptions& options) {
  ManifestEntry entry;
  if (!document.is_object()) {
    entry.diagnostics.error("",
                            "expected an object (a Kubernetes resource), got " + std::string(json_kind_name(document)));
    return entry;
  }
  auto& obj = document.get_object();
  auto api_version = string_field(obj, "apiVersion");
  auto kind = string_field(obj, "kind");
  if (kind) entry.kind = std::string(*kind);
  if (const auto* meta = object_at(obj, "metadata")) {
    entry.name = std::string(string_or(*meta, "name", ""));
    entry.namespace_ = std::string(string_or(*meta, "namespace", ""));
  }
  if (entry.namespace_.empty()) entry.namespace_ = options.default_namespace;
  if (!api_version)
    entry.diagnostics.error("apiVersion", find_field(obj, "apiVersion") ? "expected string" : "required");
  if (!kind) entry.diagnostics.error("kind", find_field(obj, "kind") ? "expected string" : "required");
  if (!api_version || !kind) return entry;

  const std::string group = group_of(*api_version);
  const KindInfo* info = find_kaos_kind(*kind);
  if (group == kGroup || (info && group == "ethical.institute")) {
    if (group == "ethical.institute") {
      entry.diagnostics.error("apiVersion", "the ethical.institute group was renamed: use " + std::string(kApiVersion));
      return entry;
    }
    if (*api_version != kApiVersion) {
      entry.diagnostics.error("apiVersion", "unsupported version \"" + std::string(*api_version) +
                                                "\" (supported: " + std::string(kApiVersion) + ")");
      return entry;
    }
    if (!info) {
      if (is_unmodelled_kaos_kind(*kind)) {
        entry.diagnostics.note("", "KAOS kind not validated by this version, passed through");
      } else {
        entry.diagnostics.error("kind",
                                "unknown kind \"" + std::string(*kind) +
                                    "\" in kaos.tools/v1alpha1 (known: Agent, MCPServer, MemoryStore, ModelAPI)");
        return entry;
      }
    }
  }
  if (!info || group != kGroup) {
    // Pass-through: only what every object needs to be applied.
    validate_object_meta(find_field(obj, "metadata"), entry.diagnostics);
    if (!entry.has_errors()) {
      GenericObject g{std::string(*api_version), std::string(*kind),
                      read_object_meta(find_field(obj, "metadata"), options.default_namespace), obj};
      entry.resource = std::move(g);
    }
    return entry;
  }
  entry.kaos_kind = true;
  validate_kaos_object(document, *info, entry);
  if (entry.has_errors()) return entry;
  entry.resource = read_kaos_resource(document, *info, options, entry.diagnostics);
  if (entry.has_errors()) entry.resource.reset();
  return entry;
}

namespace {

void add_document(ManifestSet& set, json::value document, std::string_view source, int line,
                  const LoadOptions& options) {
  // A `kind: List` (kubectl get -o yaml) holds its objects in items.
  if (document.is_object()) {
    const auto& o = document.get_object();
    auto kind = string_field(o, "kind");
    if (kind && *kind == "List" && string_or(o, "apiVersion", "v1") == "v1") {
      const auto* items = find_field(o, "items");
      if (items && !items->is_array()) {
        ManifestEntry e;
        e.source = std::string(source);
        e.line = line;
        e.kind = "List";
        e.diagnostics.error("items", "expected array, got " + std::string(json_kind_name(*items)));
        set.entries.push_back(std::move(e));
        return;
      }
      if (items) {
        for (const auto& item : items->get_array()) add_document(set, item, source, line, options);
      }
      return;
    }
  }
  ManifestEntry e = validate_document(std::move(document), options);
  e.source = std::string(source);
  e.line = line;
  set.entries.push_back(std::move(e));
}

}  // namespace

void add_manifest_text(ManifestSet& set, std::string_view text, std::string_view source, const LoadOptions& options) {
  std::vector<YamlDocument> documents;
  if (source.ends_with(".json")) {
    auto parsed = parse_json(text);
    if (parsed)
      documents.push_back({std::move(*parsed), 1});
    else {
      ManifestEntry e;
      e.source = std::string(source);
      e.diagnostics.error("", parsed.error().message);
      set.entries.push_back(std::move(e));
      return;
    }
  } else {
    auto parsed = parse_yaml_documents(text);
    if (!parsed) {
      ManifestEntry e;
      e.source = std::string(source);
      e.diagnostics.error("", parsed.error().message);
      set.entries.push_back(std::move(e));
      return;
    }
    documents = std::move(*parsed);
  }
  for (auto& doc : documents) add_document(set, std::move(doc.value), source, doc.line, options);
}

ManifestSet load_manifests(const std::vector<std::pair<std::string, std::string>>& sources,
                           const LoadOptions& options) {
  ManifestSet set;
  for (const auto& [source, text] : sources) add_manifest_text(set, text, source, options);
  check_manifest_set(set);
  return set;
}

}  // namespace kaos::api
