#include "core/env_contract.hpp"

#include <cctype>

namespace kaos {

std::string peer_card_url_var(std::string_view peer) {
  std::string out = "PEER_AGENT_";
  for (char c : peer) {
    if (c == '-' || c == '.') c = '_';
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out + "_CARD_URL";
}

std::string mcp_server_url_var(std::string_view server) {
  return "MCP_SERVER_" + std::string(server) + "_URL";
}

}  // namespace kaos
