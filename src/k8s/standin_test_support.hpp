#pragma once
// Test support (test code only): the stand-in Kubernetes API server of tests/k8s as a real
// child process, for any module's tests that talk to a cluster (k8s, the operator).
//
//   auto standin = kaos::k8s::testing::StandIn::start({.bookmark_interval = 0.2});
//   ASSERT_TRUE(standin) << standin.error().message;
//   RestClient client(loop.executor(), (*standin)->config());
//
// The child is started with posix_spawn, its "PORT n" line read with a bound, its stderr kept
// in a file (quoted when it fails to start); the destructor sends SIGTERM, then SIGKILL, and
// reaps it. Blocking calls: use from the test's thread, not from a coroutine.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "k8s/config.hpp"

extern char** environ;  // NOLINT: POSIX

namespace kaos::k8s::testing {

/// A temporary folder, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/kaos-k8s-test-XXXXXX";
    if (::mkdtemp(tmpl)) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  /// Writes `text` to `name` in the folder (creating subfolders); returns its path.
  std::string write(const std::string& name, const std::string& text, bool executable = false) const {
    auto file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::trunc) << text;
    if (executable)
      std::filesystem::permissions(file, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
    return file.string();
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct StandInOptions {
  std::string source_dir =  ///< the repository (for tests/k8s/standin.py and deploy/crds)
#ifdef KAOS_SOURCE_DIR
      KAOS_SOURCE_DIR;
#else
      ".";
#endif
  bool crds = true;                    ///< --crds deploy/crds
  std::vector<std::string> more_crds;  ///< further --crds files (paths as given)
  double bookmark_interval = -1;       ///< --bookmark-interval (seconds); negative: the default (1 s)
  int history = -1;                    ///< --history; negative: the default
  std::vector<std::string> tokens;     ///< --token each
  std::string tls_cert;                ///< --tls-cert / --tls-key: HTTPS
  std::string tls_key;
  std::string client_ca;  ///< --client-ca
  std::chrono::seconds start_timeout{30};
};

class StandIn {
 public:
  /// Starts the stand-in and waits for its port. Errors name the command and quote its stderr.
  static Result<std::unique_ptr<StandIn>> start(StandInOptions options = {}) {
    auto self = std::unique_ptr<StandIn>(new StandIn());
    self->https_ = !options.tls_cert.empty();
    char tmpl[] = "/tmp/kaos-standin-XXXXXX";
    if (!::mkdtemp(tmpl)) return Error::io("mkdtemp failed");
    self->dir_ = tmpl;
    std::vector<std::string> argv{"/usr/bin/python3", options.source_dir + "/tests/k8s/standin.py", "--port", "0",
                                  "--print-port"};
    if (options.crds) argv.insert(argv.end(), {"--crds", options.source_dir + "/deploy/crds"});
    for (const auto& c : options.more_crds) argv.insert(argv.end(), {"--crds", c});
    if (options.bookmark_interval >= 0)
      argv.insert(argv.end(), {"--bookmark-interval", std::to_string(options.bookmark_interval)});
    if (options.history >= 0) argv.insert(argv.end(), {"--history", std::to_string(options.history)});
    for (const auto& t : options.tokens) argv.insert(argv.end(), {"--token", t});
    if (self->https_) argv.insert(argv.end(), {"--tls-cert", options.tls_cert, "--tls-key", options.tls_key});
    if (!options.client_ca.empty()) argv.insert(argv.end(), {"--client-ca", options.client_ca});
    if (auto spawned = self->spawn(argv); !spawned) return spawned.error();
    if (auto port = self->read_port(options.start_timeout); !port) return port.error();
    return self;
  }

  ~StandIn() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 100; ++i) {  // up to 5 s for a clean exit
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
    }
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  StandIn(const StandIn&) = delete;
  StandIn& operator=(const StandIn&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string url() const { return std::string(https_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_); }
  /// A config for this server: no auth, no TLS settings (add them for an HTTPS stand-in).
  ClusterConfig config() const {
    ClusterConfig c;
    c.server = url();
    c.source = "stand-in on port " + std::to_string(port_);
    return c;
  }
  /// What the stand-in wrote to stderr so far.
  std::string log() const {
    std::ifstream in(dir_ / "stderr.log");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  StandIn() = default;

  Result<void> spawn(const std::vector<std::string>& argv) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return Error::io("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    std::string log_path = (dir_ / "stderr.log").string();
    posix_spawn_file_actions_addopen(&actions, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int rc = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    stdout_fd_ = fds[0];
    if (rc != 0) {
      pid_ = -1;
      return Error::io("cannot start " + argv[0] + " " + argv[1] + ": " + std::strerror(rc));
    }
    return {};
  }

  Result<void> read_port(std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    std::string out;
    while (out.find('\n') == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{stdout_fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
        return Error::timeout("the stand-in printed no port within " + std::to_string(limit.count()) +
                              " s; its stderr:\n" + log());
      char buf[256];
      ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
      if (n <= 0) return Error::io("the stand-in exited before printing its port; its stderr:\n" + log());
      out.append(buf, static_cast<std::size_t>(n));
    }
    if (out.rfind("PORT ", 0) != 0) return Error::protocol("the stand-in printed '" + out + "', not 'PORT n'");
    port_ = std::atoi(out.c_str() + 5);
    return {};
  }

  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
  bool https_ = false;
};

}  // namespace kaos::k8s::testing
