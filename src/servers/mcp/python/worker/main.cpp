// kaos-python-worker: runs python-string tool code for `kaos mcp --runtime python-string`.
//
//   kaos-python-worker --scratch DIR [--memory-mb N] [--scratch-mb N] [--max-processes N]
//                      [--allow-network] [--strict] [--writable PATH]... [--readable PATH]...
//
// Order matters: (1) move the protocol channel off fds 0/1 so user code cannot read or corrupt
// it (fd 1 becomes stderr, stdin /dev/null); (2) contain(): cgroup, namespaces, minimal root
// -- this forks, and only the Python process continues; (3) start CPython and load worker.py;
// (4) apply_sandbox(): capabilities, Landlock, seccomp; (5) with --strict, refuse when
// anything is missing; (6) only then accept the source and calls. Exits 0 when the server
// closes stdin, 2 on a startup failure (the reason on stderr, or a "refused" message).
#include <pybind11/embed.h>

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include "sandbox.hpp"

namespace py = pybind11;

namespace kaos::mcp::python_worker {
extern const char kWorkerPy[];
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "kaos-python-worker: %s\n", message.c_str());
  return 2;
}

bool parse_size(std::string_view text, std::uint64_t& out) {
  if (text.empty() || text.size() > 9) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  out = v;
  return v > 0;
}

constexpr const char* kUsage =
    "usage: --scratch DIR [--memory-mb N] [--scratch-mb N] [--max-processes N] [--allow-network] [--strict] "
    "[--writable PATH]... [--readable PATH]...";

// A flag that takes a positive number; false (with `err` set) when it is one but malformed.
bool parse_number_flag(std::string_view a, const char* value, SandboxOptions& o, std::string& err) {
  std::pair<const char*, std::uint64_t*> flags[] = {
      {"--memory-mb", &o.memory_limit_mb}, {"--scratch-mb", &o.scratch_mb}, {"--max-processes", &o.max_processes}};
  for (auto& [name, field] : flags) {
    if (a != name) continue;
    if (!parse_size(value, *field)) err = std::string(name) + " needs a positive integer";
    return true;
  }
  return false;
}

// Returns an error message, or empty when the arguments are complete.
std::string parse_args(int argc, char** argv, SandboxOptions& o) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    bool has_value = i + 1 < argc;
    std::string err;
    if (a == "--allow-network") {
      o.allow_network = true;
    } else if (a == "--strict") {
      o.strict = true;
    } else if (a == "--scratch" && has_value) {
      o.scratch_dir = argv[++i];
    } else if (a == "--writable" && has_value) {
      o.writable_paths.emplace_back(argv[++i]);
    } else if (a == "--readable" && has_value) {
      o.readable_paths.emplace_back(argv[++i]);
    } else if (has_value && parse_number_flag(a, argv[i + 1], o, err)) {
      ++i;
      if (!err.empty()) return err;
    } else {
      return "unknown or incomplete argument '" + std::string(a) + "' (" + kUsage + ")";
    }
  }
  if (o.scratch_dir.empty()) return "--scratch DIR is required";
  // Test hook: comma-separated mechanisms to treat as missing (sandbox.hpp).
  if (const char* off = std::getenv("KAOS_PYTHON_SANDBOX_TEST_DISABLE")) {
    std::stringstream in(off);
    for (std::string name; std::getline(in, name, ',');) o.pretend_missing.push_back(name);
  }
  return {};
}

// Defence in depth for issue 11's first point: whatever descriptors the server let us inherit
// (listening sockets, client connections, other workloads' logs), tool code gets none of them
// -- only 0-2 and the protocol channel.
void close_inherited(int proto_in, int proto_out) {
  int lo = std::min(proto_in, proto_out), hi = std::max(proto_in, proto_out);
  if (lo > 3) close_range(3, static_cast<unsigned>(lo - 1), 0);
  if (hi > lo + 1) close_range(static_cast<unsigned>(lo + 1), static_cast<unsigned>(hi - 1), 0);
  close_range(static_cast<unsigned>(hi + 1), ~0U, 0);
}

py::list string_list(const std::vector<std::string>& items) {
  py::list out;
  for (const auto& item : items) out.append(item);
  return out;
}

py::dict report_dict(const SandboxReport& r) {
  py::dict d;
  d["landlock_abi"] = r.landlock_abi;
  d["filesystem_confined"] = r.filesystem_confined;
  d["reads_confined"] = r.reads_confined;
  d["tcp_confined"] = r.tcp_confined;
  d["signals_scoped"] = r.signals_scoped;
  d["socket_filter"] = r.socket_filter;
  d["namespaces"] = string_list(r.namespaces);
  d["minimal_root"] = r.minimal_root;
  d["cgroup"] = r.cgroup;
  d["capabilities_dropped"] = r.capabilities_dropped;
  d["uid"] = r.uid;
  d["scratch_quota_mb"] = r.scratch_quota_mb;
  d["per_call_cleanup"] = r.per_call_cleanup;
  d["missing"] = string_list(r.missing);
  d["warnings"] = string_list(r.warnings);
  return d;
}

// MCP_SANDBOX_REQUIRE=strict: one protocol line naming what is missing, then exit 2.
int refuse(int proto_out, const SandboxReport& r) {
  std::string missing;
  for (const auto& m : r.missing) missing += (missing.empty() ? "" : ", ") + m;
  std::string message = "MCP_SANDBOX_REQUIRE=strict: the sandbox is incomplete on this machine, missing: " + missing +
                        "; fix the host or set MCP_SANDBOX_REQUIRE=best-effort";
  for (const auto& w : r.warnings) message += "\n- " + w;
  py::dict line;
  line["type"] = "refused";
  line["message"] = message;
  std::string text = py::module_::import("json").attr("dumps")(line).cast<std::string>() + "\n";
  if (write(proto_out, text.data(), text.size()) < 0) std::perror("kaos-python-worker");
  return fail(message);
}

int run(int argc, char** argv) {
  SandboxOptions options;
  if (auto err = parse_args(argc, argv, options); !err.empty()) return fail(err);

  int proto_in = fcntl(0, F_DUPFD_CLOEXEC, 3);
  int proto_out = fcntl(1, F_DUPFD_CLOEXEC, 3);
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (proto_in < 0 || proto_out < 0 || devnull < 0 || dup2(devnull, 0) < 0 || dup2(2, 1) < 0) {
    return fail("cannot move the protocol channel off stdin/stdout");
  }
  close(devnull);
  close_inherited(proto_in, proto_out);

  SandboxReport report;
  const Containment containment = contain(options, report, {proto_in, proto_out});
  if (!containment.ok) return fail("sandbox: " + containment.error);

  // Thread arenas reserve 64 MiB of address space each, which RLIMIT_AS counts.
  mallopt(M_ARENA_MAX, 2);
  setenv("PYTHONUNBUFFERED", "1", 1);         // print() reaches the log even if we are killed
  setenv("PYTHONDONTWRITEBYTECODE", "1", 1);  // the filesystem is read-only anyway
  // The interpreter's home is libpython's own prefix, whatever the server's environment says: with
  // no program name CPython looks for "python3" on PATH and would take another installation's
  // standard library (a pyenv one, say), which the sandbox then cannot read. Our own path as
  // argv[0] has no stdlib beside it, so CPython falls back to the prefix it was built with.
  unsetenv("PYTHONHOME");
  unsetenv("PYTHONPATH");
  char* interpreter_argv[] = {argv[0], nullptr};
  py::initialize_interpreter(true, 1, interpreter_argv, false);  // never finalized: see main()
  try {
    py::dict worker_globals;
    py::exec(kWorkerPy, worker_globals);

    if (auto err = apply_sandbox(options, containment, report); !err.empty()) return fail("sandbox: " + err);
    // Warnings travel in the ready report; the server logs them once, not once per worker.
    if (options.strict && !report.missing.empty()) return refuse(proto_out, report);
    py::cpp_function after_call([&containment] { end_call(containment); });
    worker_globals["serve"](proto_in, proto_out, options.memory_limit_mb, report_dict(report), after_call);
  } catch (const py::error_already_set& e) {
    return fail(std::string("internal error: ") + e.what());
  }
  return 0;
}

}  // namespace
}  // namespace kaos::mcp::python_worker

int main(int argc, char** argv) {
  int code = kaos::mcp::python_worker::run(argc, argv);
  // No interpreter finalization: it would wait for threads the tool code left running.
  std::fflush(nullptr);
  std::_Exit(code);
}
