// load_kubeconfig: kubeconfig files parsed, merged as kubectl merges them, and resolved into
// one ClusterConfig for the selected context.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"
#include "k8s/config.hpp"

namespace kaos::k8s {
namespace {
namespace fs = std::filesystem;

/// A named entry (cluster, user or context) and the file that defined it.
struct Entry {
  json::object body;
  fs::path file;
};

struct Merged {
  std::map<std::string, Entry> clusters, users, contexts;
  std::string current_context;
  fs::path current_context_file;
};

std::string where(const fs::path& file, std::string_view list, std::string_view name, std::string_view field) {
  return "kubeconfig " + file.string() + ": " + std::string(list) + "[name=" + std::string(name) + "]." +
         std::string(field);
}

Result<json::object> read_file_yaml(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return Error::io("cannot read kubeconfig " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  auto doc = parse_yaml(text.str());
  if (!doc) return Error::invalid("kubeconfig " + file.string() + " is not valid YAML: " + doc.error().message);
  if (doc->is_null()) return json::object{};
  if (!doc->is_object()) return Error::invalid("kubeconfig " + file.string() + " is not a YAML mapping");
  return std::move(doc->as_object());
}

/// Adds the file's clusters/users/contexts not yet defined (the first file wins).
Result<void> merge_list(const json::object& doc, const fs::path& file, std::string_view list, std::string_view inner,
                        std::map<std::string, Entry>& into) {
  const auto* items = find_field(doc, list);
  if (!items) return {};
  if (!items->is_array())
    return Error::invalid("kubeconfig " + file.string() + ": " + std::string(list) + " must be a list");
  for (const auto& item : items->as_array()) {
    if (!item.is_object())
      return Error::invalid("kubeconfig " + file.string() + ": " + std::string(list) + " holds a non-mapping");
    auto name = string_field(item.as_object(), "name");
    if (!name || name->empty())
      return Error::invalid("kubeconfig " + file.string() + ": an entry of " + std::string(list) + " has no name");
    const auto* body = find_field(item.as_object(), inner);
    json::object content = body && body->is_object() ? body->as_object() : json::object{};
    into.try_emplace(std::string(*name), Entry{std::move(content), file});
  }
  return {};
}

std::string resolve(const fs::path& file, std::string_view path) {
  if (path.empty()) return {};
  fs::path p(path);
  if (p.is_absolute()) return p.string();
  return (file.parent_path() / p).lexically_normal().string();
}

std::string str(const json::object& o, std::string_view key) {
  return std::string(string_field(o, key).value_or(""));
}

/// A *-data field (base64 PEM) into `out`.
Result<void> decode_data(const Entry& e, std::string_view list, std::string_view name, std::string_view field,
                         std::string& out) {
  auto data = string_field(e.body, field);
  if (!data || data->empty()) return {};
  auto decoded = decode_base64(*data);
  if (!decoded)
    return Error::invalid(where(e.file, list, name, field) +
                          " is not base64: paste the output of `base64 -w0 FILE`, or use the field without -data "
                          "and a file path");
  out = std::move(*decoded);
  return {};
}

Result<void> apply_cluster(const Entry& e, const std::string& name, ClusterConfig& c) {
  c.server = str(e.body, "server");
  if (c.server.empty())
    return Error::invalid(where(e.file, "clusters", name, "server") + " is missing: set it to the API server's URL");
  while (c.server.size() > 1 && c.server.back() == '/') c.server.pop_back();
  if (c.server.rfind("https://", 0) != 0 && c.server.rfind("http://", 0) != 0)
    return Error::invalid(where(e.file, "clusters", name, "server") + " '" + c.server +
                          "' is not an http(s) URL: write https://host:port");
  if (bool_field(e.body, "insecure-skip-tls-verify").value_or(false)) c.tls.verify = false;
  c.tls.server_name = str(e.body, "tls-server-name");
  if (auto r = decode_data(e, "clusters", name, "certificate-authority-data", c.tls.ca_pem); !r) return r;
  if (c.tls.ca_pem.empty()) c.tls.ca_file = resolve(e.file, str(e.body, "certificate-authority"));
  return {};
}

Result<ExecPlugin> parse_exec(const Entry& e, const std::string& name, const json::object& exec) {
  ExecPlugin plugin;
  plugin.command = str(exec, "command");
  if (plugin.command.empty())
    return Error::invalid(where(e.file, "users", name, "exec.command") + " is missing: name the credential plugin");
  if (plugin.command.find('/') != std::string::npos) plugin.command = resolve(e.file, plugin.command);
  plugin.api_version = str(exec, "apiVersion");
  if (plugin.api_version != "client.authentication.k8s.io/v1" &&
      plugin.api_version != "client.authentication.k8s.io/v1beta1")
    return Error::invalid(where(e.file, "users", name, "exec.apiVersion") + " is '" + plugin.api_version +
                          "': use client.authentication.k8s.io/v1 (or v1beta1)");
  if (const auto* args = find_field(exec, "args"); args && args->is_array())
    for (const auto& a : args->as_array())
      if (a.is_string()) plugin.args.emplace_back(a.as_string());
  if (const auto* env = find_field(exec, "env"); env && env->is_array())
    for (const auto& v : env->as_array())
      if (v.is_object()) plugin.env[str(v.as_object(), "name")] = str(v.as_object(), "value");
  plugin.install_hint = str(exec, "installHint");
  return plugin;
}

Result<void> apply_user(const Entry& e, const std::string& name, ClusterConfig& c) {
  auto& a = c.auth;
  a.token = str(e.body, "token");
  a.token_file = resolve(e.file, str(e.body, "tokenFile"));
  a.username = str(e.body, "username");
  a.password = str(e.body, "password");
  if (auto r = decode_data(e, "users", name, "client-certificate-data", c.tls.cert_pem); !r) return r;
  if (auto r = decode_data(e, "users", name, "client-key-data", c.tls.key_pem); !r) return r;
  if (c.tls.cert_pem.empty()) c.tls.cert_file = resolve(e.file, str(e.body, "client-certificate"));
  if (c.tls.key_pem.empty()) c.tls.key_file = resolve(e.file, str(e.body, "client-key"));
  bool has_cert = !c.tls.cert_pem.empty() || !c.tls.cert_file.empty();
  bool has_key = !c.tls.key_pem.empty() || !c.tls.key_file.empty();
  if (has_cert != has_key)
    return Error::invalid(where(e.file, "users", name, has_cert ? "client-key" : "client-certificate") +
                          " is missing: a client certificate needs its key (client-key or client-key-data)");
  if (find_field(e.body, "auth-provider"))
    return Error::invalid(where(e.file, "users", name, "auth-provider") +
                          " is not supported: use an exec credential plugin instead");
  if (const auto* exec = find_field(e.body, "exec"); exec && exec->is_object()) {
    auto plugin = parse_exec(e, name, exec->as_object());
    if (!plugin) return plugin.error();
    a.exec = std::move(*plugin);
  }
  return {};
}

Result<ClusterConfig> resolve_context(const Merged& m, const std::string& context_name) {
  auto ctx = m.contexts.find(context_name);
  if (ctx == m.contexts.end())
    return Error::invalid("kubeconfig: context '" + context_name +
                          "' is not defined in any file: list them with `kubectl config get-contexts`");
  const Entry& c = ctx->second;
  ClusterConfig config;
  config.source = "kubeconfig " + c.file.string() + ", context " + context_name;
  std::string cluster_name = str(c.body, "cluster");
  auto cluster = m.clusters.find(cluster_name);
  if (cluster == m.clusters.end())
    return Error::invalid(where(c.file, "contexts", context_name, "cluster") + " names cluster '" + cluster_name +
                          "', which no kubeconfig file defines: add it under clusters");
  if (auto r = apply_cluster(cluster->second, cluster_name, config); !r) return r.error();
  if (std::string user_name = str(c.body, "user"); !user_name.empty()) {
    auto user = m.users.find(user_name);
    if (user == m.users.end())
      return Error::invalid(where(c.file, "contexts", context_name, "user") + " names user '" + user_name +
                            "', which no kubeconfig file defines: add it under users");
    if (auto r = apply_user(user->second, user_name, config); !r) return r.error();
  }
  if (std::string ns = str(c.body, "namespace"); !ns.empty()) config.namespace_ = ns;
  return config;
}

}  // namespace

Result<ClusterConfig> load_kubeconfig(const std::vector<std::string>& paths, const std::string& context_override) {
  Merged merged;
  std::vector<std::string> read;
  for (const auto& path : paths) {
    if (path.empty()) continue;
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;  // kubectl skips missing entries of KUBECONFIG
    fs::path file = fs::absolute(path, ec);
    auto doc = read_file_yaml(file);
    if (!doc) return doc.error();
    read.push_back(file.string());
    for (auto [list, inner, into] :
         {std::tuple{"clusters", "cluster", &merged.clusters}, std::tuple{"users", "user", &merged.users},
          std::tuple{"contexts", "context", &merged.contexts}})
      if (auto r = merge_list(*doc, file, list, inner, *into); !r) return r.error();
    if (merged.current_context.empty()) merged.current_context = str(*doc, "current-context");
  }
  if (read.empty()) {
    std::string names;
    for (const auto& p : paths) names += (names.empty() ? "" : ", ") + p;
    return Error::not_found("no kubeconfig file found (looked for " + names +
                            "): pass --kubeconfig FILE or set KUBECONFIG");
  }
  std::string context = context_override.empty() ? merged.current_context : context_override;
  if (context.empty())
    return Error::invalid("kubeconfig " + read.front() +
                          " sets no current-context: pass --context NAME or run `kubectl config use-context NAME`");
  return resolve_context(merged, context);
}

}  // namespace kaos::k8s
