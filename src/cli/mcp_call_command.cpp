// `kaos mcp-call`: call a tool on (or list the tools of) an MCP server from the command line,
// through the same client the agent runtime uses (src/clients/mcp).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command.hpp"
#include "clients/mcp/client.hpp"
#include "core/json.hpp"
#include "net/url.hpp"

namespace kaos::cli {

namespace {

namespace mcp = clients::mcp;
namespace asio = boost::asio;

struct McpCallFlags {
  std::string url;
  std::string tool;
  bool list = false;
  std::string args;
  std::string args_file;
  std::string output = "text";
  std::vector<std::string> headers;
  double timeout_s = 60;
  double connect_timeout_s = 10;
  std::string transport = "auto";
  std::string api_key;
};

std::chrono::milliseconds to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000)));
}

/// The server root (http://host:8000 or .../) means its /mcp endpoint, as KAOS agents assume.
Result<std::string> endpoint_url(const std::string& raw) {
  auto parsed = net::parse_url(raw);
  if (!parsed) return Error::invalid("URL '" + raw + "': " + parsed.error().message);
  if (parsed->target == "/") return net::join_url(raw, "/mcp");
  return raw;
}

Result<net::Headers> parse_headers(const std::vector<std::string>& raw) {
  net::Headers out;
  for (const auto& h : raw) {
    auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0)
      return Error::invalid("--header '" + h +
                            "': expected 'Name: value', e.g. --header 'Authorization: Bearer TOKEN'");
    std::string value = h.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    out.add(h.substr(0, colon), value);
  }
  return out;
}

Result<json::object> read_arguments(const McpCallFlags& f) {
  std::string text = f.args;
  std::string source = "--args";
  if (!f.args_file.empty()) {
    std::ifstream in(f.args_file);
    if (!in) return Error::invalid("--args-file " + f.args_file + ": cannot read the file");
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
    source = "--args-file " + f.args_file;
  }
  if (text.empty()) return json::object{};
  auto parsed = parse_json(text);
  if (!parsed) return Error::invalid(source + ": " + parsed.error().message);
  if (!parsed->is_object())
    return Error::invalid(source + ": the tool arguments must be a JSON object like '{\"a\": 1}', not a " +
                          std::string(json_kind_name(*parsed)));
  return std::move(parsed->as_object());
}

std::string first_line(std::string_view s) {
  auto nl = s.find('\n');
  return std::string(nl == std::string_view::npos ? s : s.substr(0, nl));
}

std::string size_text(std::size_t bytes) {
  std::ostringstream out;
  if (bytes < 1000) {
    out << bytes << " B";
  } else {
    out.setf(std::ios::fixed);
    out.precision(1);
    out << (bytes < 1000 * 1000 ? bytes / 1000.0 : bytes / 1e6) << (bytes < 1000 * 1000 ? " kB" : " MB");
  }
  return out.str();
}

/// Decoded size of base64 text.
std::size_t base64_size(std::string_view b64) {
  std::size_t pad = 0;
  while (!b64.empty() && b64.back() == '=') {
    b64.remove_suffix(1);
    ++pad;
  }
  return b64.size() * 3 / 4;
}

void print_tools(const json::array& tools) {
  std::size_t width = 4;
  for (const auto& t : tools)
    if (t.is_object()) width = std::max(width, std::string(string_field(t.as_object(), "name").value_or("")).size());
  std::cout << std::string("NAME") + std::string(width - 4 + 2, ' ') << "DESCRIPTION\n";
  for (const auto& t : tools) {
    if (!t.is_object()) continue;
    auto name = std::string(string_field(t.as_object(), "name").value_or(""));
    auto desc = first_line(string_field(t.as_object(), "description").value_or(""));
    std::cout << name << std::string(width - name.size() + 2, ' ') << desc << "\n";
  }
}

/// One content block for a human: text as is, binary summarised.
std::string describe_block(const json::object& block) {
  auto type = std::string(string_field(block, "type").value_or("?"));
  if (type == "text") return std::string(string_field(block, "text").value_or(""));
  auto mime = std::string(string_field(block, "mimeType").value_or(""));
  if (type == "image" || type == "audio")
    return "[" + type + " " + (mime.empty() ? "?" : mime) + ", " +
           size_text(base64_size(string_field(block, "data").value_or(""))) + "]";
  if (type == "resource_link") return "[resource link " + std::string(string_field(block, "uri").value_or("")) + "]";
  if (type == "resource") {
    const auto* r = find_field(block, "resource");
    if (r == nullptr || !r->is_object()) return "[resource]";
    const auto& res = r->as_object();
    std::string head = "[resource " + std::string(string_field(res, "uri").value_or(""));
    if (auto m = string_field(res, "mimeType")) head += ", " + std::string(*m);
    if (auto text = string_field(res, "text")) return head + "]\n" + std::string(*text);
    return head + ", " + size_text(base64_size(string_field(res, "blob").value_or(""))) + "]";
  }
  return "[" + type + " block]";
}

void print_result(const json::object& result) {
  const auto* content = find_field(result, "content");
  bool printed = false;
  if (content != nullptr && content->is_array()) {
    for (const auto& b : content->as_array()) {
      if (!b.is_object()) continue;
      std::cout << describe_block(b.as_object()) << "\n";
      printed = true;
    }
  }
  if (!printed)
    if (const auto* sc = find_field(result, "structuredContent")) std::cout << to_pretty_json(*sc) << "\n";
}

/// The command's work, on the io_context; returns the exit status.
net::Task<int> run(mcp::McpClient& client, const McpCallFlags& f, json::object arguments, std::string url) {
  const auto timeout = to_ms(f.timeout_s);
  auto fail = [&](const Error& e) {
    std::cerr << "kaos mcp-call: " << e.message;
    if (e.kind == ErrorKind::connect)
      std::cerr << " — is the MCP server running? (raise --connect-timeout to wait longer)";
    if (e.kind == ErrorKind::timeout) std::cerr << " (raise --timeout for slow tools)";
    if (e.http_status == 401) std::cerr << " (pass credentials with --header 'Authorization: Bearer TOKEN')";
    std::cerr << "\n";
    return 1;
  };
  int status = 0;
  if (f.list) {
    auto tools = co_await client.list_tools(timeout);
    if (!tools) {
      status = fail(tools.error());
    } else if (f.output == "json") {
      std::cout << to_pretty_json(*tools) << "\n";
    } else {
      print_tools(*tools);
    }
  } else {
    mcp::CallOptions call;
    call.timeout = timeout;
    auto result = co_await client.call_tool(f.tool, std::move(arguments), call);
    if (!result) {
      status = fail(result.error());
    } else {
      if (f.output == "json")
        std::cout << to_pretty_json(*result) << "\n";
      else
        print_result(*result);
      if (bool_field(*result, "isError").value_or(false)) {
        std::cerr << "kaos mcp-call: tool '" << f.tool << "' reported an error (isError: true)\n";
        status = 1;
      }
    }
  }
  (void)co_await client.close();  // best effort: the server may not support ending sessions
  co_return status;
}

int run_mcp_call(const McpCallFlags& f) {
  if (f.list == !f.tool.empty()) {
    std::cerr << "kaos mcp-call: give a TOOL to call or --list (see --help)\n";
    return 2;
  }
  if (!f.args.empty() && !f.args_file.empty()) {
    std::cerr << "kaos mcp-call: give either --args JSON or --args-file FILE, not both\n";
    return 2;
  }
  if (f.timeout_s <= 0 || f.connect_timeout_s < 0) {
    std::cerr << "kaos mcp-call: --timeout must be > 0 and --connect-timeout >= 0 (seconds)\n";
    return 2;
  }
  auto url = endpoint_url(f.url);
  auto headers = parse_headers(f.headers);
  auto arguments = f.list ? Result<json::object>(json::object{}) : read_arguments(f);
  auto transport = mcp::parse_transport(f.transport);
  for (const Error* e :
       {url ? nullptr : &url.error(), headers ? nullptr : &headers.error(), arguments ? nullptr : &arguments.error()}) {
    if (e != nullptr) {
      std::cerr << "kaos mcp-call: " << e->message << "\n";
      return 2;
    }
  }
  if (!transport) {
    std::cerr << "kaos mcp-call: --transport '" << f.transport << "': use auto, streamable-http or sse\n";
    return 2;
  }

  mcp::McpClientOptions options;
  options.url = *url;
  options.headers = std::move(*headers);
  if (!f.api_key.empty() && !options.headers.has("Authorization"))
    options.headers.set("Authorization", "Bearer " + f.api_key);
  options.transport = *transport;
  options.request_timeout = to_ms(f.timeout_s);
  options.connect_timeout = to_ms(f.connect_timeout_s);
  options.client_name = "kaos-mcp-call";

  asio::io_context ioc;
  mcp::McpClient client(ioc.get_executor(), options);
  int status = 1;
  asio::co_spawn(ioc, run(client, f, std::move(*arguments), *url), [&](std::exception_ptr e, int code) {
    if (e) {
      std::cerr << "kaos mcp-call: internal error\n";
      return;
    }
    status = code;
  });
  ioc.run();
  return status;
}

}  // namespace

void add_mcp_call_command(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<McpCallFlags>();
  auto* cmd = app.add_subcommand("mcp-call",
                                 "Call a tool on an MCP server, or list its tools, with the client KAOS agents use.\n"
                                 "Speaks Streamable HTTP and the legacy HTTP+SSE transport; see docs/mcp-client.md.");
  cmd->add_option("url", flags->url,
                  "The server's MCP endpoint, e.g. http://localhost:8000/mcp. A URL without a path\n"
                  "(http://host:8000) means its /mcp endpoint, as KAOS agents assume. Legacy SSE\n"
                  "servers are usually at .../sse.")
      ->required();
  cmd->add_option("tool", flags->tool, "The tool to call (omit with --list)");
  cmd->add_flag("--list,-l", flags->list, "List the server's tools (name and first line of the description)");
  cmd->add_option("--args,-a", flags->args, "Tool arguments as a JSON object, e.g. '{\"a\": 1, \"b\": 2}'");
  cmd->add_option("--args-file", flags->args_file, "Read the tool arguments (a JSON object) from this file");
  cmd->add_option("--output,-o", flags->output,
                  "text: text blocks as text, images/audio/resources summarised; json: the whole\n"
                  "result (content, structuredContent, isError), or with --list the raw tools array")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--header,-H", flags->headers,
                  "Extra HTTP header 'Name: value' on every request (repeatable), e.g.\n"
                  "--header 'Authorization: Bearer TOKEN'");
  add_api_key_option(*cmd, flags->api_key);
  cmd->add_option("--timeout", flags->timeout_s, "Seconds to wait for the answer (each request)")
      ->capture_default_str();
  cmd->add_option("--connect-timeout", flags->connect_timeout_s,
                  "Seconds to keep retrying while the server refuses connections (or answers\n"
                  "502/503/504), e.g. while it starts; 0 tries once")
      ->capture_default_str();
  cmd->add_option("--transport", flags->transport,
                  "auto: Streamable HTTP, falling back to legacy HTTP+SSE when POST is answered with\n"
                  "400/404/405 (the MCP backwards-compatibility rule); streamable-http; sse")
      ->capture_default_str();
  cmd->footer(
      "Exit status: 0 on success; 1 when the tool reported an error (isError) or the call failed;\n"
      "2 on bad arguments.\n"
      "Examples:\n"
      "  kaos mcp-call http://localhost:8000 --list\n"
      "  kaos mcp-call http://localhost:8000/mcp add --args '{\"a\": 2, \"b\": 3}'\n"
      "  kaos mcp-call http://localhost:9000/sse echo --args '{\"text\": \"hi\"}' -o json");
  cmd->callback([flags, &ctx] { ctx.exit_code = run_mcp_call(*flags); });
}

}  // namespace kaos::cli
