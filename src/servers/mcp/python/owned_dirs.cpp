// Owner-named directories and the sweep of those whose owner died (owned_dirs.hpp).
#include "servers/mcp/python/owned_dirs.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <spdlog/spdlog.h>

namespace kaos::mcp::python {
namespace {

// State letter and start time (clock ticks after boot) of a pid; nullopt when it does not exist.
struct ProcStat {
  char state = '?';
  unsigned long long start = 0;
};

std::optional<ProcStat> proc_stat(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto paren = text.rfind(')');                         // the command name may hold spaces and parentheses
  if (paren == std::string::npos) return std::nullopt;  // no such process (or unreadable)
  std::istringstream fields(text.substr(paren + 1));
  ProcStat st;
  std::string skip;
  fields >> st.state;
  for (int i = 0; i < 18 && fields; ++i) fields >> skip;  // ppid ... itrealvalue
  fields >> st.start;
  if (!fields) return std::nullopt;
  return st;
}

bool parse_number(std::string_view text, unsigned long long& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

// The owner (pid, start time) encoded in `entry` when it is "<name>-<pid>-<start>-<rest>".
std::optional<std::pair<unsigned long long, unsigned long long>> owner_of(std::string_view entry,
                                                                          std::string_view name) {
  if (!entry.starts_with(name) || entry.size() <= name.size() || entry[name.size()] != '-') return std::nullopt;
  entry.remove_prefix(name.size() + 1);
  auto dash1 = entry.find('-');
  if (dash1 == std::string_view::npos) return std::nullopt;
  auto dash2 = entry.find('-', dash1 + 1);
  if (dash2 == std::string_view::npos || dash2 + 1 >= entry.size()) return std::nullopt;
  unsigned long long pid = 0, start = 0;
  if (!parse_number(entry.substr(0, dash1), pid) || !parse_number(entry.substr(dash1 + 1, dash2 - dash1 - 1), start))
    return std::nullopt;
  return std::make_pair(pid, start);
}

bool owner_alive(unsigned long long pid, unsigned long long start) {
  if (pid == 0 || pid > 1u << 30) return false;
  auto st = proc_stat(static_cast<long>(pid));
  return st && st->state != 'Z' && st->state != 'X' && st->start == start;
}

}  // namespace

std::string owned_dir_prefix(std::string_view name) {
  static const unsigned long long start = [] {
    auto st = proc_stat(::getpid());
    return st ? st->start : 0ULL;
  }();
  return std::string(name) + "-" + std::to_string(::getpid()) + "-" + std::to_string(start) + "-";
}

Result<std::string> make_owned_dir(const std::string& base, std::string_view name) {
  std::string pattern = (std::filesystem::path(base) / (owned_dir_prefix(name) + "XXXXXX")).string();
  if (!::mkdtemp(pattern.data())) {
    return Error::io("cannot create a scratch directory under " + base + ": " + std::strerror(errno) +
                     "; set TMPDIR to a writable directory");
  }
  return pattern;
}

std::vector<std::string> stale_owned_dirs(const std::string& base, std::string_view name) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(base, ec)) {
    auto file = entry.path().filename().string();
    auto owner = owner_of(file, name);
    if (!owner || owner_alive(owner->first, owner->second)) continue;
    std::error_code type_ec;
    if (entry.is_directory(type_ec) && !entry.is_symlink(type_ec)) out.push_back(entry.path().string());
  }
  return out;
}

std::size_t remove_stale_owned_dirs(const std::string& base, std::string_view name) {
  std::size_t removed = 0;
  for (const auto& dir : stale_owned_dirs(base, name)) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
      spdlog::warn("python-string: cannot remove {} left by a stopped server: {}", dir, ec.message());
      continue;
    }
    ++removed;
  }
  return removed;
}

std::string scratch_base() {
  std::error_code ec;
  auto base = std::filesystem::temp_directory_path(ec);
  return ec ? std::string("/tmp") : base.string();
}

}  // namespace kaos::mcp::python
