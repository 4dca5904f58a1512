#pragma once
// `kaos mcp --runtime everything`: a built-in C++ toolset that exercises every MCP capability
// the server framework offers (content types, logging, progress, sampling, elicitation,
// resumable streams, resources, templates, subscriptions, prompts, completion). It is what the
// official conformance suite runs against, and a handy demo server (`echo`, `add`, `sleep`).
#include <string>

#include "servers/mcp/server.hpp"

namespace kaos::mcp {

/// Registers every tool, resource and prompt of the toolset (names in docs/mcp.md).
void add_everything_toolset(McpServer& server);

void add_everything_resources(McpServer& server);
void add_everything_prompts(McpServer& server);
std::string everything_png_base64();
std::string everything_wav_base64();

}  // namespace kaos::mcp
