#include "control/local/state_dir.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/env.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"

namespace kaos::local {

namespace {
std::string slug(const std::string& id) {
  std::string out = id;
  for (auto& c : out)
    if (c == '/') c = '_';
  return out;
}

Result<void> make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
    return Error::io("cannot create " + path + ": " + std::strerror(errno));
  return {};
}
}  // namespace

StateDir StateDir::resolve() {
  if (auto d = env_string("KAOS_STATE_DIR"); d && !d->empty()) return {*d};
  if (auto x = env_string("XDG_STATE_HOME"); x && !x->empty()) return {*x + "/kaos"};
  auto home = env_or("HOME", "/tmp");
  return {home + "/.local/state/kaos"};
}

Result<void> StateDir::ensure() const {
  // Parents of the default location may not exist on a fresh account.
  std::string partial;
  std::stringstream ss(root);
  std::string part;
  if (!root.empty() && root[0] == '/') partial = "";
  while (std::getline(ss, part, '/')) {
    if (part.empty()) continue;
    partial += "/" + part;
    if (auto r = make_dir(partial); !r) return r;
  }
  if (auto r = make_dir(root + "/logs"); !r) return r;
  return make_dir(root + "/files");
}

std::string StateDir::log_file(const std::string& workload_id) const {
  return root + "/logs/" + slug(workload_id) + ".log";
}
std::string StateDir::files_dir(const std::string& workload_id) const {
  return root + "/files/" + slug(workload_id);
}

Result<void> write_file_atomic(const std::string& path, const std::string& content, unsigned mode) {
  std::string tmp = path + ".tmp-" + random_hex(8);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Error::io("cannot write " + path + ": " + std::strerror(errno));
  std::size_t off = 0;
  while (off < content.size()) {
    auto n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Error::io("cannot write " + path + ": " + std::strerror(errno));
    }
    off += static_cast<std::size_t>(n);
  }
  ::fchmod(fd, mode);
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Error::io("cannot write " + path + ": " + std::strerror(errno));
  }
  return {};
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::not_found("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool pid_running(int pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  // A zombie (exited, not yet reaped: e.g. a detached supervisor under an init that does not
  // reap) answers kill(pid, 0) too, but is gone.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!stat || !std::getline(stat, text)) return true;  // no /proc: trust kill()
  auto paren = text.rfind(')');
  return paren == std::string::npos || paren + 2 >= text.size() || (text[paren + 2] != 'Z' && text[paren + 2] != 'X');
}

std::optional<SupervisorInfo> read_supervisor(const StateDir& dir) {
  auto text = read_file(dir.supervisor_file());
  if (!text) return std::nullopt;
  auto v = parse_json(*text);
  if (!v || !v->is_object()) return std::nullopt;
  const auto& o = v->get_object();
  SupervisorInfo info;
  info.pid = static_cast<int>(int_field(o, "pid").value_or(0));
  info.control_url = std::string(string_field(o, "control_url").value_or(""));
  info.started_at = std::string(string_field(o, "started_at").value_or(""));
  if (info.pid <= 0 || info.control_url.empty()) return std::nullopt;
  if (!pid_running(info.pid)) return std::nullopt;  // it died without cleaning up
  // The pid alone is no proof: after a crash (kill -9) or a reboot the recorded pid may belong to
  // an unrelated process, and every command then failed with "did not answer" until the user
  // deleted supervisor.json by hand. A supervisor's command line is `kaos __supervisor`.
  std::ifstream cmdline("/proc/" + std::to_string(info.pid) + "/cmdline", std::ios::binary);
  if (cmdline) {
    std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
    if (args.find(std::string("\0__supervisor", 13)) == std::string::npos) return std::nullopt;
  }
  return info;
}

Result<void> write_supervisor(const StateDir& dir, const SupervisorInfo& info) {
  json::object o;
  o["pid"] = info.pid;
  o["control_url"] = info.control_url;
  o["started_at"] = info.started_at;
  return write_file_atomic(dir.supervisor_file(), to_json(o) + "\n", 0600);
}

void remove_supervisor(const StateDir& dir) {
  ::unlink(dir.supervisor_file().c_str());
}

Result<std::string> create_token(const StateDir& dir) {
  // 32 bytes from the kernel's CSPRNG: the token is the only thing between another local user
  // and control of the supervisor's children.
  std::string token;
  try {
    token = secure_random_hex(64);
  } catch (const std::exception& e) {
    return Error::io(std::string("cannot make the control token: ") + e.what());
  }
  if (auto r = write_file_atomic(dir.token_file(), token, 0600); !r) return r.error();
  return token;
}

Result<std::string> read_token(const StateDir& dir) {
  auto t = read_file(dir.token_file());
  if (!t) return t.error();
  std::string s = *t;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace kaos::local
