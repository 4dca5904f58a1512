// Control-API bodies: serializers in today's field order, strict parsers (see control.hpp).
#include "protocol/kaos/control.hpp"

#include <algorithm>
#include <initializer_list>

namespace kaos::protocol::kaos {

namespace {

// Reads the fields of one JSON object; the first problem is kept (later reads return empty
// values) and names the field's path: "resources[2].ready: expected a boolean, got string".
class FieldReader {
 public:
  FieldReader(const json::value& v, std::string path) : path_(std::move(path)) {
    if (v.is_object())
      object_ = &v.get_object();
    else
      fail(Error::invalid((path_.empty() ? std::string("body") : path_) + ": expected an object, got " +
                          std::string(json_kind_name(v))));
  }

  std::string where(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  bool ok() const { return !error_; }
  void fail(Error e) {
    if (!error_) error_ = std::move(e);
  }
  const Error& error() const { return *error_; }

  /// The field's value, or nullptr (absent or null); a required one records an error.
  const json::value* field(std::string_view key, bool required, std::string_view expected) {
    if (!object_) return nullptr;
    const auto* v = find_field(*object_, key);
    if (!v && required)
      fail(Error::invalid(where(key) + ": expected " + std::string(expected) + ", but it is missing"));
    return v;
  }
  void wrong_type(std::string_view key, std::string_view expected, const json::value& got) {
    fail(Error::invalid(where(key) + ": expected " + std::string(expected) + ", got " +
                        std::string(json_kind_name(got))));
  }

  std::optional<std::string> optional_string(std::string_view key, bool required = false) {
    const auto* v = field(key, required, "a string");
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      wrong_type(key, "a string", *v);
      return std::nullopt;
    }
    return std::string(v->get_string());
  }
  std::string string(std::string_view key) { return optional_string(key, true).value_or(""); }

  std::optional<bool> optional_boolean(std::string_view key, bool required = false) {
    const auto* v = field(key, required, "a boolean");
    if (!v) return std::nullopt;
    if (!v->is_bool()) {
      wrong_type(key, "a boolean", *v);
      return std::nullopt;
    }
    return v->get_bool();
  }
  bool boolean(std::string_view key) { return optional_boolean(key, true).value_or(false); }

  std::int64_t integer(std::string_view key) {
    const auto* v = field(key, true, "an integer");
    if (!v) return 0;
    auto n = as_int64(*v);
    if (!n) wrong_type(key, "an integer", *v);
    return n.value_or(0);
  }

  const json::array* array(std::string_view key, bool required = true) {
    const auto* v = field(key, required, "an array");
    if (!v) return nullptr;
    if (!v->is_array()) {
      wrong_type(key, "an array", *v);
      return nullptr;
    }
    return &v->get_array();
  }

  /// Each element of array `key` read by `read(element, "key[i]")`.
  template <class T, class Read>
  std::vector<T> list(std::string_view key, Read read, bool required = true) {
    std::vector<T> out;
    const auto* a = array(key, required);
    if (!a) return out;
    for (std::size_t i = 0; i < a->size() && ok(); ++i) {
      auto item = read((*a)[i], where(key) + "[" + std::to_string(i) + "]");
      if (!item)
        fail(item.error());
      else
        out.push_back(std::move(*item));
    }
    return out;
  }

  void reject_unknown(std::initializer_list<std::string_view> known) {
    if (!object_) return;
    for (const auto& field : *object_) {
      const std::string_view k = field.key();
      if (std::find(known.begin(), known.end(), k) == known.end()) fail(Error::invalid(where(k) + ": unknown field"));
    }
  }

  template <class T>
  Result<T> finish(T value) const {
    if (error_) return *error_;
    return value;
  }

 private:
  const json::object* object_ = nullptr;
  std::string path_;
  std::optional<Error> error_;
};

Result<std::string> read_string(const json::value& v, const std::string& where) {
  if (!v.is_string()) return Error::invalid(where + ": expected a string, got " + std::string(json_kind_name(v)));
  return std::string(v.get_string());
}

json::array strings_json(const std::vector<std::string>& list) {
  json::array a;
  for (const auto& s : list) a.push_back(json::value(s));
  return a;
}

Result<ResourceStatus> read_resource_status(const json::value& v, const std::string& path) {
  FieldReader f(v, path);
  ResourceStatus s;
  s.id = f.string("id");
  s.kind = f.string("kind");
  s.namespace_ = f.string("namespace");
  s.name = f.string("name");
  s.role = f.string("role");
  s.phase = f.string("phase");
  s.ready = f.boolean("ready");
  s.endpoint = f.string("endpoint");
  s.message = f.string("message");
  s.pid = f.integer("pid");
  s.restarts = f.integer("restarts");
  s.started_at = f.string("started_at");
  s.log = f.string("log");
  return f.finish(std::move(s));
}

void write_resource_status(json::object& o, const ResourceStatus& s) {
  o["id"] = s.id;
  o["kind"] = s.kind;
  o["namespace"] = s.namespace_;
  o["name"] = s.name;
  o["role"] = s.role;
  o["phase"] = s.phase;
  o["ready"] = s.ready;
  o["endpoint"] = s.endpoint;
  o["message"] = s.message;
  o["pid"] = s.pid;
  o["restarts"] = s.restarts;
  o["started_at"] = s.started_at;
  o["log"] = s.log;
}

Result<Source> read_source(const json::value& v, const std::string& path) {
  FieldReader f(v, path);
  Source s;
  s.name = f.optional_string("name").value_or("");
  s.text = f.string("text");
  f.reject_unknown({"name", "text"});
  return f.finish(std::move(s));
}

json::array sources_json(const std::vector<Source>& sources) {
  json::array list;
  for (const auto& s : sources) {
    json::object o;
    o["name"] = s.name;
    o["text"] = s.text;
    list.push_back(std::move(o));
  }
  return list;
}

}  // namespace

json::object resource_status_json(const ResourceStatus& s) {
  json::object o;
  write_resource_status(o, s);
  return o;
}

Result<ResourceStatus> parse_resource_status(const json::value& v) {
  return read_resource_status(v, "");
}

json::array resource_list_json(const std::vector<ResourceStatus>& list) {
  json::array a;
  for (const auto& s : list) a.push_back(resource_status_json(s));
  return a;
}

Result<std::vector<ResourceStatus>> parse_resource_list(const json::value& v) {
  if (!v.is_array()) return Error::invalid("body: expected an array, got " + std::string(json_kind_name(v)));
  std::vector<ResourceStatus> out;
  const auto& a = v.get_array();
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto s = read_resource_status(a[i], "[" + std::to_string(i) + "]");
    if (!s) return s.error();
    out.push_back(std::move(*s));
  }
  return out;
}

json::object status_reply_json(const StatusReply& r) {
  json::object sup;
  sup["pid"] = r.supervisor.pid;
  sup["state_dir"] = r.supervisor.state_dir;
  json::object o;
  o["supervisor"] = std::move(sup);
  o["resources"] = resource_list_json(r.resources);
  return o;
}

Result<StatusReply> parse_status_reply(const json::value& v) {
  FieldReader f(v, "");
  StatusReply r;
  if (const auto* sup = f.field("supervisor", true, "an object")) {
    FieldReader s(*sup, "supervisor");
    r.supervisor.pid = s.integer("pid");
    r.supervisor.state_dir = s.string("state_dir");
    if (!s.ok()) f.fail(s.error());
  }
  r.resources = f.list<ResourceStatus>("resources", read_resource_status);
  return f.finish(std::move(r));
}

json::object resource_description_json(const ResourceDescription& d) {
  json::object o;
  write_resource_status(o, d.status);
  o["spec"] = d.spec;
  o["command"] = strings_json(d.command);
  json::array env;
  for (const auto& e : d.env) {
    json::object v;
    v["name"] = e.name;
    if (e.value_from)
      v["valueFrom"] = *e.value_from;
    else
      v["value"] = e.value.value_or("");
    env.push_back(std::move(v));
  }
  o["env"] = std::move(env);
  o["dependencies"] = strings_json(d.dependencies);
  o["fingerprint"] = d.fingerprint;
  json::array events;
  for (const auto& e : d.events) {
    json::object ev;
    ev["timestamp"] = e.timestamp;
    ev["type"] = e.type;
    ev["message"] = e.message;
    events.push_back(std::move(ev));
  }
  o["events"] = std::move(events);
  return o;
}

Result<ResourceDescription> parse_resource_description(const json::value& v) {
  auto status = read_resource_status(v, "");
  if (!status) return status.error();
  FieldReader f(v, "");
  ResourceDescription d;
  d.status = std::move(*status);
  if (const auto* spec = f.field("spec", false, "an object")) d.spec = *spec;
  d.command = f.list<std::string>("command", read_string);
  d.env = f.list<EnvEntry>("env", [](const json::value& item, const std::string& path) -> Result<EnvEntry> {
    FieldReader e(item, path);
    EnvEntry entry;
    entry.name = e.string("name");
    entry.value = e.optional_string("value");
    entry.value_from = e.optional_string("valueFrom");
    if (e.ok() && entry.value.has_value() == entry.value_from.has_value())
      e.fail(Error::invalid(path + ": expected exactly one of value and valueFrom"));
    return e.finish(std::move(entry));
  });
  d.dependencies = f.list<std::string>("dependencies", read_string);
  d.fingerprint = f.string("fingerprint");
  d.events = f.list<ResourceEvent>("events", [](const json::value& item, const std::string& path) {
    FieldReader e(item, path);
    ResourceEvent ev;
    ev.timestamp = e.string("timestamp");
    ev.type = e.string("type");
    ev.message = e.string("message");
    return e.finish(std::move(ev));
  });
  return f.finish(std::move(d));
}

json::object apply_request_json(const ApplyRequest& r) {
  json::object o;
  o["sources"] = sources_json(r.sources);
  o["prune"] = r.prune;
  return o;
}

Result<ApplyRequest> parse_apply_request(const json::value& v) {
  FieldReader f(v, "");
  ApplyRequest r;
  r.sources = f.list<Source>("sources", read_source);
  r.prune = f.optional_boolean("prune").value_or(false);
  f.reject_unknown({"sources", "prune"});
  return f.finish(std::move(r));
}

json::object apply_reply_json(const ApplyReply& r) {
  json::array actions;
  for (const auto& a : r.actions) {
    json::object o;
    o["id"] = a.id;
    o["action"] = a.action;
    actions.push_back(std::move(o));
  }
  json::object o;
  o["actions"] = std::move(actions);
  return o;
}

Result<ApplyReply> parse_apply_reply(const json::value& v) {
  FieldReader f(v, "");
  ApplyReply r;
  r.actions = f.list<ApplyAction>("actions", [](const json::value& item, const std::string& path) {
    FieldReader a(item, path);
    ApplyAction action;
    action.id = a.string("id");
    action.action = a.string("action");
    return a.finish(std::move(action));
  });
  return f.finish(std::move(r));
}

json::object apply_rejection_json(const ApplyRejection& r) {
  json::object o;
  o["errors"] = strings_json(r.errors);
  return o;
}

Result<ApplyRejection> parse_apply_rejection(const json::value& v) {
  FieldReader f(v, "");
  ApplyRejection r;
  r.errors = f.list<std::string>("errors", read_string);
  return f.finish(std::move(r));
}

json::object delete_request_json(const DeleteRequest& r) {
  json::object o;
  if (r.sources) o["sources"] = sources_json(*r.sources);
  if (r.resources) {
    json::array list;
    for (const auto& k : *r.resources) {
      json::object item;
      item["kind"] = k.kind;
      item["namespace"] = k.namespace_;
      item["name"] = k.name;
      list.push_back(std::move(item));
    }
    o["resources"] = std::move(list);
  }
  return o;
}

Result<DeleteRequest> parse_delete_request(const json::value& v) {
  FieldReader f(v, "");
  DeleteRequest r;
  if (f.array("sources", false)) r.sources = f.list<Source>("sources", read_source);
  if (f.array("resources", false))
    r.resources = f.list<ResourceKey>("resources", [](const json::value& item, const std::string& path) {
      FieldReader k(item, path);
      ResourceKey key;
      key.kind = k.string("kind");
      key.namespace_ = k.optional_string("namespace").value_or("default");
      key.name = k.string("name");
      k.reject_unknown({"kind", "namespace", "name"});
      return k.finish(std::move(key));
    });
  f.reject_unknown({"sources", "resources"});
  return f.finish(std::move(r));
}

json::object delete_reply_json(const DeleteReply& r) {
  json::object o;
  o["deleted"] = strings_json(r.deleted);
  return o;
}

Result<DeleteReply> parse_delete_reply(const json::value& v) {
  FieldReader f(v, "");
  DeleteReply r;
  r.deleted = f.list<std::string>("deleted", read_string);
  return f.finish(std::move(r));
}

json::object detail_json(std::string_view message) {
  json::object o;
  o["detail"] = message;
  return o;
}

Result<std::string> parse_detail(const json::value& v) {
  FieldReader f(v, "");
  auto detail = f.string("detail");
  return f.finish(std::move(detail));
}

}  // namespace kaos::protocol::kaos
