// `kaos chat`: talk to an agent through its OpenAI-compatible endpoint, streamed, showing the
// tool calls and delegations as the agent makes them (KAOS's progress events), one message or
// an interactive session.
#include <iostream>

#include "cli/agent_client.hpp"
#include "cli/command.hpp"
#include "cli/output.hpp"
#include "net/sse.hpp"

namespace kaos::cli {

namespace {

struct ChatFlags {
  std::string agent;
  std::string message;
  std::string session;
  std::string output = "text";
  bool verbose = false;
  EndpointFlags endpoint;
};

struct Progress {
  std::int64_t step = 0;
  std::int64_t max_steps = 0;
  std::string action;  ///< "tool_call" | "delegate"
  std::string target;
};

struct Exchange {
  std::string session_id;
  std::string answer;
  std::vector<Progress> progress;
};

struct StreamCallbacks {
  std::function<void(const Progress&)> on_progress;
  std::function<void(std::string_view)> on_text;
};

/// A KAOS progress event: a content chunk that is a JSON object with type "progress".
std::optional<Progress> parse_progress(std::string_view content) {
  if (content.empty() || content.front() != '{') return std::nullopt;
  auto parsed = parse_json(content);
  if (!parsed || !parsed->is_object()) return std::nullopt;
  const auto& o = parsed->as_object();
  if (string_field(o, "type").value_or("") != "progress") return std::nullopt;
  Progress p;
  p.step = int_field(o, "step").value_or(0);
  p.max_steps = int_field(o, "max_steps").value_or(0);
  p.action = std::string(string_field(o, "action").value_or(""));
  p.target = std::string(string_field(o, "target").value_or(""));
  return p;
}

json::object progress_json(const Progress& p) {
  return json::object{{"step", p.step}, {"max_steps", p.max_steps}, {"action", p.action}, {"target", p.target}};
}

/// Applies one chunk (or a whole non-streamed completion) to the exchange. Error "agent" for
/// an error event.
Result<void> apply_chunk(const json::value& chunk, Exchange& ex, const StreamCallbacks& cb) {
  if (!chunk.is_object()) return Error{ErrorKind::protocol, "a stream chunk that is not a JSON object"};
  const auto& o = chunk.as_object();
  if (const auto* err = find_field(o, "error")) {
    std::string message =
        err->is_object() ? std::string(string_field(err->as_object(), "message").value_or("")) : value_text(*err);
    return Error{ErrorKind::agent, "the agent failed: " + (message.empty() ? to_json(*err) : message)};
  }
  if (ex.session_id.empty())
    if (auto id = string_field(o, "id")) ex.session_id = std::string(*id);
  const auto* choices = find_field(o, "choices");
  if (choices == nullptr || !choices->is_array() || choices->as_array().empty()) return {};
  const auto& choice = choices->as_array().front();
  if (!choice.is_object()) return {};
  const json::value* part = find_field(choice.as_object(), "delta");
  if (part == nullptr) part = find_field(choice.as_object(), "message");
  if (part == nullptr || !part->is_object()) return {};
  auto content = string_field(part->as_object(), "content");
  if (!content || content->empty()) return {};
  if (auto p = parse_progress(*content)) {
    ex.progress.push_back(*p);
    if (cb.on_progress) cb.on_progress(*p);
    return {};
  }
  ex.answer += *content;
  if (cb.on_text) cb.on_text(*content);
  return {};
}

/// One streamed exchange: POST /v1/chat/completions with stream:true, the session in
/// X-Session-ID when known.
net::Task<Result<Exchange>> stream_exchange(net::HttpClient& http, std::string base_url, std::string agent,
                                            std::string text, std::string session, std::chrono::milliseconds timeout,
                                            const StreamCallbacks& cb, net::Headers headers) {
  net::ClientRequest req;
  req.headers = std::move(headers);
  req.method = "POST";
  req.url = base_url + "/v1/chat/completions";
  req.headers.set("Content-Type", "application/json");
  req.headers.set("Accept", "text/event-stream");
  if (!session.empty()) req.headers.set("X-Session-ID", session);
  json::object body{
      {"model", agent}, {"messages", json::array{json::object{{"role", "user"}, {"content", text}}}}, {"stream", true}};
  req.body = to_json(body);
  req.timeout = timeout;

  auto stream = co_await http.open(std::move(req));
  if (!stream) co_return stream.error();
  auto& s = **stream;
  Exchange ex;
  if (auto sid = s.headers().get("X-Session-ID")) ex.session_id = std::string(*sid);
  if (s.status() < 200 || s.status() >= 300) {
    auto rest = co_await s.read_all();
    auto detail = rest ? error_detail(*rest) : std::string();
    co_return Error::http(s.status(), "HTTP " + std::to_string(s.status()) + (detail.empty() ? "" : ": " + detail));
  }
  auto content_type = std::string(s.headers().get("Content-Type").value_or(""));
  if (content_type.find("text/event-stream") == std::string::npos) {
    // A server that ignored stream:true answers one chat.completion.
    auto all = co_await s.read_all();
    if (!all) co_return all.error();
    auto parsed = parse_json(*all);
    if (!parsed) co_return Error{ErrorKind::protocol, "an answer that is neither SSE nor JSON"};
    if (auto r = apply_chunk(*parsed, ex, cb); !r) co_return r.error();
    co_return ex;
  }
  net::SseParser parser;
  bool done = false;
  while (!done) {
    auto piece = co_await s.next();
    if (!piece) co_return piece.error();
    if (!*piece) break;  // end of body
    for (auto& event : parser.feed(**piece)) {
      if (event.data.empty()) continue;
      if (event.data == "[DONE]") {
        done = true;
        break;
      }
      auto chunk = parse_json(event.data);
      if (!chunk) co_return Error{ErrorKind::protocol, "a stream chunk that is not JSON: " + preview(event.data, 120)};
      if (auto r = apply_chunk(*chunk, ex, cb); !r) co_return r.error();
    }
  }
  co_return ex;
}

std::string progress_line(const Progress& p, bool verbose) {
  std::string line = p.action == "delegate" ? "  → delegating to " + p.target : "  → tool " + p.target;
  if (verbose && p.step > 0)
    line += "  (step " + std::to_string(p.step) + (p.max_steps > 0 ? "/" + std::to_string(p.max_steps) : "") + ")";
  return line;
}

json::object exchange_json(const Exchange& ex) {
  json::array progress;
  for (const auto& p : ex.progress) progress.push_back(progress_json(p));
  return json::object{{"session_id", ex.session_id}, {"answer", ex.answer}, {"progress", std::move(progress)}};
}

class ChatSession {
 public:
  ChatSession(net::HttpClient& http, const ChatFlags& f, std::string url)
      : http_(http), f_(f), url_(std::move(url)), session_(f.session), err_(stderr) {}

  /// One message; prints as it streams (text) or one JSON object (json, `compact` for JSON Lines).
  net::Task<bool> send(std::string text, bool compact) {
    const bool json_out = f_.output == "json";
    bool at_line_start = true;
    StreamCallbacks cb;
    if (!json_out) {
      cb.on_progress = [&](const Progress& p) {
        if (!at_line_start) std::cout << std::endl;
        at_line_start = true;
        std::cerr << err_.dim(progress_line(p, f_.verbose)) << std::endl;
      };
      cb.on_text = [&](std::string_view t) {
        std::cout << t << std::flush;
        at_line_start = t.back() == '\n';
      };
    }
    auto ex = co_await stream_exchange(http_, url_, f_.agent, std::move(text), session_,
                                       seconds_to_ms(f_.endpoint.timeout_s), cb, auth_headers(f_.endpoint));
    if (!json_out && !at_line_start) std::cout << std::endl;
    if (!ex) {
      std::cerr << "kaos chat: " << describe_failure(ex.error(), "agent", f_.agent, url_) << "\n";
      co_return false;
    }
    if (session_.empty()) session_ = ex->session_id;
    if (json_out) {
      auto obj = exchange_json(*ex);
      if (obj["session_id"].as_string().empty()) obj["session_id"] = session_;
      if (compact)
        std::cout << to_json(obj) << std::endl;
      else
        print_json(obj);
    }
    co_return true;
  }

  void print_session_hint() const {
    if (session_.empty() || f_.output == "json") return;
    // The hint must carry the target: without -n (or --url) it named the agent in "default".
    std::string where = endpoint_suffix(f_.endpoint);
    std::cerr << err_.dim("session " + session_ + " · continue with `kaos chat " + f_.agent + " --session " + session_ +
                          where + "`, history with `kaos memory " + f_.agent + " --session " + session_ + where + "`")
              << "\n";
  }

  const std::string& session() const { return session_; }

 private:
  net::HttpClient& http_;
  const ChatFlags& f_;
  std::string url_;
  std::string session_;
  Style err_;
};

net::Task<int> run_interactive(ChatSession& chat, const ChatFlags& f, const std::string& url) {
  const bool tty = is_tty(stdin);
  const bool json_out = f.output == "json";
  Style err(stderr);
  if (tty && !json_out)
    std::cerr << err.dim("Chatting with agent '" + f.agent + "' at " + url +
                         (f.session.empty() ? "" : ", session " + f.session) + ". Type /exit or press Ctrl-D to leave.")
              << "\n";
  int status = 0;
  std::string line;
  while (true) {
    if (tty && !json_out) std::cerr << err.bold("you › ") << std::flush;
    if (!std::getline(std::cin, line)) {
      if (tty && !json_out) std::cerr << "\n";
      break;
    }
    auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    auto last = line.find_last_not_of(" \t\r");
    line = line.substr(first, last - first + 1);
    if (line == "/exit" || line == "/quit") break;
    if (!co_await chat.send(line, true)) status = 1;
    if (tty && !json_out) std::cout << "\n";
  }
  chat.print_session_hint();
  co_return status;
}

int run_chat(const ChatFlags& f) {
  auto url = resolve_or_report("chat", "agent", f.agent, f.endpoint);
  if (!url) return 1;
  if (f.verbose && f.output != "json") std::cerr << Style(stderr).dim("agent '" + f.agent + "' at " + *url) << "\n";
  return run_client("chat", [&](net::HttpClient& http) -> net::Task<int> {
    ChatSession chat(http, f, *url);
    if (f.message.empty()) co_return co_await run_interactive(chat, f, *url);
    bool ok = co_await chat.send(f.message, false);
    if (ok) chat.print_session_hint();
    co_return ok ? 0 : 1;
  });
}

}  // namespace

void add_chat_command(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<ChatFlags>();
  auto* cmd = app.add_subcommand("chat",
                                 "Chat with an agent: one message, or an interactive session without MESSAGE.\n"
                                 "Streams the answer and shows tool calls and delegations as they happen.");
  cmd->add_option("agent", flags->agent, "The agent's name")->required();
  cmd->add_option("message", flags->message,
                  "The message; without it, read one message per line from stdin until EOF or /exit");
  cmd->add_option("--session,-s", flags->session,
                  "Continue this session (its id is printed after each chat; default: a new session)");
  cmd->add_option("--output,-o", flags->output,
                  "text: the answer on stdout, progress and the session id on stderr; json: one object\n"
                  "{session_id, answer, progress:[{step, max_steps, action, target}]} per message\n"
                  "(one per line in an interactive session)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_flag("--verbose,-v", flags->verbose, "Also show the agent's URL and the step of each tool call");
  add_endpoint_flags(cmd, flags->endpoint, "agent");
  cmd->footer(
      "Exit status: 0 on success; 1 when the agent cannot be found or reached or a message failed.\n"
      "Examples:\n"
      "  kaos chat assistant 'What is 2 + 3?'\n"
      "  kaos chat assistant --url http://127.0.0.1:8000            # interactive\n"
      "  printf 'hi\\nand again\\n' | kaos chat assistant -o json\n"
      "  kaos chat assistant 'go on' --session session_0123456789ab");
  cmd->callback([flags, &ctx] { ctx.exit_code = run_chat(*flags); });
}

}  // namespace kaos::cli
