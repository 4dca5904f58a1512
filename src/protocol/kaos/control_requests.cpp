// Control-API requests and their answers: apply, delete, detail (control.hpp).
#include "protocol/kaos/control.hpp"
#include "protocol/kaos/field_reader.hpp"

namespace kaos::protocol::kaos {

using detail::FieldReader;
using detail::read_string;
using detail::strings_json;

namespace {

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
  if (f.optional_array("sources")) r.sources = f.list<Source>("sources", read_source);
  if (f.optional_array("resources"))
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

Result<std::string> parse_detail(const json::value& v) {
  FieldReader f(v, "");
  auto detail = f.string("detail");
  return f.finish(std::move(detail));
}

}  // namespace kaos::protocol::kaos
