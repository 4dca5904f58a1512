#pragma once
// Where the local runtime keeps its state: $KAOS_STATE_DIR, else $XDG_STATE_HOME/kaos, else
// ~/.local/state/kaos. Inside:
//   supervisor.json   {"pid", "control_url", "started_at"} of the running supervisor
//   token             the control API's bearer token (0600: only this user may drive it)
//   secrets.json      the local secret store of `kaos secret set` (0600)
//   logs/<kind>_<namespace>_<name>.log   one log per workload
//   files/<kind>_<namespace>_<name>/     files a workload reads (e.g. the gateway's config)
#include <optional>
#include <string>

#include "core/result.hpp"

namespace kaos::local {

struct StateDir {
  std::string root;

  /// Resolves the directory (does not create it).
  static StateDir resolve();
  /// Creates root, logs/ and files/ (0700).
  Result<void> ensure() const;

  std::string supervisor_file() const { return root + "/supervisor.json"; }
  std::string token_file() const { return root + "/token"; }
  std::string secrets_file() const { return root + "/secrets.json"; }
  std::string supervisor_log() const { return root + "/supervisor.log"; }
  std::string log_file(const std::string& workload_id) const;
  std::string files_dir(const std::string& workload_id) const;
};

struct SupervisorInfo {
  int pid = 0;
  std::string control_url;
  std::string started_at;
};

/// True while `pid` runs (a zombie counts as gone).
bool pid_running(int pid);

/// The running supervisor, or nullopt when none is recorded or its pid is gone (or is not a
/// `kaos __supervisor` process any more).
std::optional<SupervisorInfo> read_supervisor(const StateDir& dir);
Result<void> write_supervisor(const StateDir& dir, const SupervisorInfo& info);
void remove_supervisor(const StateDir& dir);

/// Creates a fresh random token file (0600) and returns the token.
Result<std::string> create_token(const StateDir& dir);
Result<std::string> read_token(const StateDir& dir);

/// Writes `content` to `path` atomically (temp file + rename) with `mode`.
Result<void> write_file_atomic(const std::string& path, const std::string& content, unsigned mode = 0600);
Result<std::string> read_file(const std::string& path);

}  // namespace kaos::local
