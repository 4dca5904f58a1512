// Agent cards: the one card we serve to 1.0, 0.3 and KAOS clients, and the reader for peers'
// cards of any of those generations (see a2a.hpp and docs/a2a.md).
#include <cctype>

#include "protocol/a2a/a2a.hpp"

namespace kaos::protocol::a2a {
namespace {

// KAOS cards declared application/json; our parts are text, so text/plain comes first.
json::array io_modes() {
  return json::array{"text/plain", "application/json"};
}

json::object skill_json(const Skill& s) {
  return json::object{{"id", s.id},
                      {"name", s.name},
                      {"description", s.description},
                      {"tags", json::array{}},
                      {"inputModes", io_modes()},
                      {"outputModes", io_modes()}};
}

json::object interface_json(const std::string& url, std::string_view version) {
  return json::object{{"url", url}, {"protocolBinding", "JSONRPC"}, {"protocolVersion", version}};
}

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string str(const json::object& o, std::string_view key) {
  auto s = string_field(o, key);
  return s ? std::string(*s) : std::string();
}

// 1.0: the JSONRPC entries of supportedInterfaces; a 1.x entry wins (as the official SDK picks).
void read_interfaces(const json::array& ifaces, CardView& out) {
  const json::object* best = nullptr;
  for (const auto& v : ifaces) {
    if (!v.is_object()) continue;
    const auto& i = v.as_object();
    if (!iequal(string_field(i, "protocolBinding").value_or(""), "JSONRPC")) continue;
    const bool v1 = string_field(i, "protocolVersion").value_or("").substr(0, 2) == "1.";
    if (!best || v1) best = &i;
    if (v1) break;
  }
  if (!best) return;
  out.supports_jsonrpc = true;
  out.jsonrpc_url = str(*best, "url");
  out.protocol_version = str(*best, "protocolVersion");
}

// 0.3 and KAOS: `url` speaks `preferredTransport` (default JSONRPC); `additionalInterfaces`
// list {url, transport}; KAOS cards say `supportedProtocols: ["jsonrpc"]` for `url`.
void read_legacy(const json::object& card, CardView& out) {
  out.protocol_version = str(card, "protocolVersion");
  if (out.protocol_version.empty()) out.protocol_version = "0.3";
  const auto url = str(card, "url");
  bool url_is_jsonrpc = iequal(string_field(card, "preferredTransport").value_or("JSONRPC"), "JSONRPC");
  if (const auto* sp = find_field(card, "supportedProtocols"); sp && sp->is_array()) {
    for (const auto& p : sp->as_array()) {
      if (p.is_string() && iequal(p.as_string(), "jsonrpc")) url_is_jsonrpc = true;
    }
  }
  if (url_is_jsonrpc && !url.empty()) {
    out.supports_jsonrpc = true;
    out.jsonrpc_url = url;
    return;
  }
  if (const auto* extra = find_field(card, "additionalInterfaces"); extra && extra->is_array()) {
    for (const auto& v : extra->as_array()) {
      if (v.is_object() && iequal(string_field(v.as_object(), "transport").value_or(""), "JSONRPC")) {
        out.supports_jsonrpc = true;
        out.jsonrpc_url = str(v.as_object(), "url");
        return;
      }
    }
  }
}

}  // namespace

json::object agent_card_json(const CardInfo& info) {
  std::string endpoint = info.url;
  if (endpoint.empty() || endpoint.back() != '/') endpoint += '/';
  json::array skills;
  for (const auto& s : info.skills) skills.push_back(skill_json(s));
  json::object caps{
      {"streaming", info.streaming}, {"pushNotifications", false}, {"stateTransitionHistory", info.state_history}};
  // KAOS's older cards listed capabilities by name and its tests ask `"tool_execution" in
  // card["capabilities"]`: a key present (true) only when it holds answers them alike. 1.0
  // and 0.3 readers ignore keys they do not know.
  caps["message_processing"] = true;
  caps["task_execution"] = true;
  if (info.tool_execution) caps["tool_execution"] = true;
  if (info.task_delegation) caps["task_delegation"] = true;
  json::object card;
  card["name"] = info.name;
  card["description"] = info.description;
  // 1.0: clients pick from supportedInterfaces (the official SDK prefers protocolVersion "1.0").
  card["supportedInterfaces"] = json::array{interface_json(endpoint, "1.0"), interface_json(endpoint, "0.3")};
  card["version"] = info.version;
  card["capabilities"] = std::move(caps);
  card["defaultInputModes"] = io_modes();
  card["defaultOutputModes"] = io_modes();
  card["skills"] = std::move(skills);
  // 0.3 (url + preferredTransport + protocolVersion) and KAOS (supportedProtocols).
  card["url"] = info.url;
  card["protocolVersion"] = "0.3.0";
  card["preferredTransport"] = "JSONRPC";
  card["supportedProtocols"] = json::array{"jsonrpc"};
  return card;
}

Result<CardView> parse_agent_card(const json::value& card) {
  if (!card.is_object()) return Error::invalid("agent card is not a JSON object");
  const auto& c = card.as_object();
  auto name = string_field(c, "name");
  if (!name || name->empty()) return Error::invalid("agent card has no 'name'");
  CardView out;
  out.name = std::string(*name);
  out.description = str(c, "description");
  out.version = str(c, "version");
  if (const auto* caps = find_field(c, "capabilities"); caps && caps->is_object()) {
    out.streaming = bool_field(caps->as_object(), "streaming").value_or(false);
  }
  if (const auto* skills = find_field(c, "skills"); skills && skills->is_array()) {
    for (const auto& s : skills->as_array()) {
      if (!s.is_object()) continue;
      out.skills.push_back({str(s.as_object(), "id"), str(s.as_object(), "name"), str(s.as_object(), "description")});
    }
  }
  const auto* ifaces = find_field(c, "supportedInterfaces");
  if (ifaces && ifaces->is_array() && !ifaces->as_array().empty()) {
    read_interfaces(ifaces->as_array(), out);
  } else {
    read_legacy(c, out);
  }
  return out;
}

}  // namespace kaos::protocol::a2a
