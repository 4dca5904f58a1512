// Flags shared by the server commands (browser safety) and the client commands (API key).
#include "cli/command.hpp"

namespace kaos::cli {

void add_browser_safety_options(CLI::App& cmd, std::vector<std::string>& allowed_origins,
                                std::vector<std::string>& allowed_hosts) {
  cmd.add_option("--allowed-origins", allowed_origins,
                 "Browser origins allowed besides the server's own (comma list, exactly as browsers send them, "
                 "e.g. http://localhost:5173; '*' allows any; default $KAOS_ALLOWED_ORIGINS)")
      ->delimiter(',')
      ->envname("KAOS_ALLOWED_ORIGINS");
  cmd.add_option("--allowed-hosts", allowed_hosts,
                 "Host names accepted on loopback connections besides localhost, 127.0.0.0/8 and [::1] (comma "
                 "list, 'name' or 'name:port', e.g. a proxy's name; default $KAOS_ALLOWED_HOSTS)")
      ->delimiter(',')
      ->envname("KAOS_ALLOWED_HOSTS");
}

void add_api_key_option(CLI::App& cmd, std::string& api_key) {
  cmd.add_option("--api-key", api_key,
                 "Key sent as 'Authorization: Bearer <key>' to a server that requires one (default $KAOS_API_KEY)")
      ->envname("KAOS_API_KEY");
}

}  // namespace kaos::cli
