// kaos-python-worker: runs python-string tool code for `kaos mcp --runtime python-string`.
//
//   kaos-python-worker --scratch DIR [--memory-mb N] [--allow-network] [--writable PATH]...
//
// Order matters: (1) move the protocol channel off fds 0/1 so user code cannot read or corrupt
// it (fd 1 becomes stderr, stdin /dev/null); (2) start CPython and load worker.py; (3) confine
// this process (sandbox.cpp); (4) only then accept the source and calls. Exits 0 when the
// server closes stdin, 2 on a startup failure (the reason on stderr).
#include <pybind11/embed.h>

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>
#include <cstdio>
#include <cstdlib>
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

// Returns an error message, or empty when the arguments are complete.
std::string parse_args(int argc, char** argv, SandboxOptions& o) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    bool has_value = i + 1 < argc;
    if (a == "--allow-network") {
      o.allow_network = true;
    } else if (a == "--scratch" && has_value) {
      o.scratch_dir = argv[++i];
    } else if (a == "--writable" && has_value) {
      o.writable_paths.emplace_back(argv[++i]);
    } else if (a == "--memory-mb" && has_value) {
      if (!parse_size(argv[++i], o.memory_limit_mb)) return "--memory-mb needs a positive integer";
    } else {
      return "unknown or incomplete argument '" + std::string(a) +
             "' (usage: --scratch DIR [--memory-mb N] [--allow-network] [--writable PATH]...)";
    }
  }
  if (o.scratch_dir.empty()) return "--scratch DIR is required";
  return {};
}

py::dict report_dict(const SandboxReport& r) {
  py::dict d;
  d["landlock_abi"] = r.landlock_abi;
  d["filesystem_confined"] = r.filesystem_confined;
  d["tcp_confined"] = r.tcp_confined;
  d["signals_scoped"] = r.signals_scoped;
  d["socket_filter"] = r.socket_filter;
  py::list warnings;
  for (const auto& w : r.warnings) warnings.append(w);
  d["warnings"] = warnings;
  return d;
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

  // Thread arenas reserve 64 MiB of address space each, which RLIMIT_AS counts.
  mallopt(M_ARENA_MAX, 2);
  setenv("PYTHONUNBUFFERED", "1", 1);                   // print() reaches the log even if we are killed
  setenv("PYTHONDONTWRITEBYTECODE", "1", 1);            // the filesystem is read-only anyway
  py::initialize_interpreter(true, 0, nullptr, false);  // never finalized: see main()
  try {
    py::dict worker_globals;
    py::exec(kWorkerPy, worker_globals);

    SandboxOutcome sandbox = apply_sandbox(options);
    if (!sandbox.ok) return fail("sandbox: " + sandbox.error);
    for (const auto& warning : sandbox.report.warnings) {
      std::fprintf(stderr, "kaos-python-worker: warning: %s\n", warning.c_str());
    }
    worker_globals["serve"](proto_in, proto_out, options.memory_limit_mb, report_dict(sandbox.report));
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
