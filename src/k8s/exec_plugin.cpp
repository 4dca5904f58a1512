// run_exec_plugin: a kubeconfig exec credential plugin run as a child process with a deadline,
// its ExecCredential answer parsed.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <ctime>

#include "core/json.hpp"
#include "k8s/credentials.hpp"
#include "net/process.hpp"

namespace kaos::k8s {
namespace {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

struct PluginOutput {
  std::string stdout_text;
  std::string stderr_last;
  net::ExitStatus exit;
};

net::Task<std::string> read_stdout(net::Process& p) {
  std::string text;
  while (true) {
    auto line = co_await p.read_line(1024 * 1024);
    if (!line || !*line) break;
    text += **line;
    text += '\n';
  }
  co_return text;
}

net::Task<std::string> read_stderr(net::Process& p) {
  std::string last;
  while (true) {
    auto line = co_await p.read_stderr_line();
    if (!line || !*line) break;
    if (!(*line)->empty()) last = **line;
  }
  co_return last;
}

net::Task<PluginOutput> collect(net::Process& p) {
  auto [out, err] = co_await (read_stdout(p) && read_stderr(p));
  net::ExitStatus exit = co_await p.wait();
  co_return PluginOutput{std::move(out), std::move(err), exit};
}

/// RFC 3339 ("2024-01-02T03:04:05Z", fractions and offsets allowed) to a time point.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s) {
  std::tm tm{};
  int consumed = 0;
  std::string text(s);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::size_t i = static_cast<std::size_t>(consumed);
  if (i < text.size() && text[i] == '.')
    while (++i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    }
  long offset = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    int hh = 0, mm = 0;
    if (std::sscanf(text.c_str() + i + 1, "%2d:%2d", &hh, &mm) != 2) return std::nullopt;
    offset = (text[i] == '+' ? 1 : -1) * (hh * 3600L + mm * 60L);
  } else if (i >= text.size() || (text[i] != 'Z' && text[i] != 'z')) {
    return std::nullopt;
  }
  std::int64_t seconds = static_cast<std::int64_t>(::timegm(&tm)) - offset;
  // system_clock counts nanoseconds and ends in 2262: a later expiry is "never" for us.
  using Clock = std::chrono::system_clock;
  const auto last = std::chrono::duration_cast<std::chrono::seconds>(Clock::time_point::max().time_since_epoch());
  if (seconds >= last.count()) return Clock::time_point::max();
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(seconds)));
}

Result<ExecCredential> parse_exec_credential(const ExecPlugin& plugin, std::string_view text) {
  std::string who = "exec credential plugin " + plugin.command;
  auto doc = parse_json(text);
  if (!doc || !doc->is_object())
    return Error::invalid(who + " printed no ExecCredential JSON" + (doc ? std::string{} : ": " + doc.error().message));
  const auto& o = doc->as_object();
  if (string_field(o, "kind").value_or("") != "ExecCredential")
    return Error::invalid(who + " printed an object whose kind is not ExecCredential");
  if (auto v = string_field(o, "apiVersion").value_or(""); v != plugin.api_version)
    return Error::invalid(who + " answered apiVersion '" + std::string(v) + "' where the kubeconfig asked for " +
                          plugin.api_version);
  const auto* status = find_field(o, "status");
  if (!status || !status->is_object()) return Error::invalid(who + " printed an ExecCredential without status");
  const auto& st = status->as_object();
  ExecCredential cred;
  cred.token = std::string(string_field(st, "token").value_or(""));
  cred.client_cert_pem = std::string(string_field(st, "clientCertificateData").value_or(""));
  cred.client_key_pem = std::string(string_field(st, "clientKeyData").value_or(""));
  if (cred.token.empty() && (cred.client_cert_pem.empty() || cred.client_key_pem.empty()))
    return Error::invalid(who + " gave neither status.token nor status.clientCertificateData with clientKeyData");
  if (auto expires = string_field(st, "expirationTimestamp")) {
    cred.expires = parse_rfc3339(*expires);
    if (!cred.expires)
      return Error::invalid(who + " gave status.expirationTimestamp '" + std::string(*expires) +
                            "', which is not RFC 3339");
  }
  return cred;
}

}  // namespace

net::Task<Result<ExecCredential>> run_exec_plugin(const ExecPlugin& plugin) {
  auto executor = co_await asio::this_coro::executor;
  net::ProcessOptions options;
  options.argv.push_back(plugin.command);
  options.argv.insert(options.argv.end(), plugin.args.begin(), plugin.args.end());
  options.env = plugin.env;
  options.env["KUBERNETES_EXEC_INFO"] =
      R"({"apiVersion":")" + plugin.api_version + R"(","kind":"ExecCredential","spec":{"interactive":false}})";
  options.pipe_stdin = false;
  options.stderr_mode = "pipe";
  auto process = net::Process::spawn(executor, options);
  if (!process) {
    std::string hint = plugin.install_hint.empty() ? "" : "\n" + plugin.install_hint;
    co_return Error::io("exec credential plugin " + plugin.command +
                        " could not be started: " + process.error().message + hint);
  }
  asio::steady_timer deadline(executor, plugin.timeout);
  auto outcome = co_await (collect(**process) || deadline.async_wait(asio::as_tuple(asio::use_awaitable)));
  if (outcome.index() == 1) {
    (*process)->kill(SIGKILL);
    co_await (*process)->wait();
    co_return Error::timeout("exec credential plugin " + plugin.command + " gave no answer within " +
                             std::to_string(plugin.timeout.count()) + " s and was killed");
  }
  auto& output = std::get<0>(outcome);
  if (output.exit.code != 0)
    co_return Error::invalid("exec credential plugin " + plugin.command + " failed (" + output.exit.describe() + ")" +
                             (output.stderr_last.empty() ? "" : ": " + output.stderr_last));
  co_return parse_exec_credential(plugin, output.stdout_text);
}

}  // namespace kaos::k8s
