// MCPServer → workload (KAOS mcpserver_controller.go). The runtime comes from the registry:
// python-string and stdio run as our `kaos mcp`; every other runtime (kubernetes, slack,
// pctx, Helm custom entries) and `custom` run the user's command, since their images cannot
// run without a container runtime.
#include "plan/internal.hpp"

namespace kaos::plan::detail {

namespace {

// KAOS's MCPServer probe timings (mcpserver_controller.go, research/kaos-delta-2026-12.md
// §2.2): liveness 5/10/3/3, readiness 3/5/3/2. Our `kaos mcp` serves /health and /ready (the
// latter says why it is not ready, e.g. the stdio child has not answered initialize), which
// tells more than KAOS's TCP probe of a vanilla FastMCP, so our role is probed over HTTP.
void our_role_probes(Workload& w) {
  w.liveness = {ProbePlan::Type::http, "/health", 5, 10, 3, 3};
  w.readiness = {ProbePlan::Type::http, "/ready", 3, 5, 3, 2};
}

// The user's server answers on a port only: KAOS's TCP probes.
void tcp_probes(Workload& w) {
  w.liveness = {ProbePlan::Type::tcp, "", 5, 10, 3, 3};
  w.readiness = {ProbePlan::Type::tcp, "", 3, 5, 3, 2};
}

bool has_command(const std::optional<api::ContainerOverride>& c) {
  return c && !c->command.empty();
}

// A substrate that runs images (PlanOptions::runs_images) runs the image's command as KAOS
// does: spec.container.command/args each replace the registry's (`{port}` substituted as
// locally); with no command at all the image's entrypoint gets the args.
void image_command(Workload& w, const std::optional<api::ContainerOverride>& container,
                   const api::McpRuntime* runtime) {
  api::ContainerOverride run;
  if (runtime) {
    run.command = runtime->command;
    run.args = runtime->args;
  }
  if (container && !container->command.empty()) run.command = container->command;
  if (container && !container->args.empty()) run.args = container->args;
  auto argv = user_command(run, w.port);
  if (run.command.empty())
    w.entrypoint_args = std::move(argv);
  else
    w.command = std::move(argv);
}

}  // namespace

Workload plan_mcpserver(const api::MCPServer& s, const Addressing& addressing, const PlanOptions& options) {
  Workload w;
  w.ref = {"MCPServer", s.metadata.namespace_, s.metadata.name};
  w.port = addressing.listen_port(w.ref);
  w.wait_for_dependencies = false;
  const auto& spec = s.spec;
  const std::string port = std::to_string(w.port);
  const std::string container_image = spec.container ? spec.container->image : std::string();

  EnvBuilder env;
  const api::McpRuntime* runtime = options.mcp_runtimes.find(spec.runtime);
  if (spec.runtime == api::kCustomMcpRuntime) {
    w.role = "custom";
    w.image = container_image;
    tcp_probes(w);
    if (options.runs_images) {
      // KAOS's rule: a custom runtime is an image the user names.
      if (container_image.empty())
        w.failure = "runtime custom requires spec.container.image";
      else
        image_command(w, spec.container, nullptr);
    } else if (has_command(spec.container)) {
      w.command = user_command(*spec.container, w.port);
    } else {
      w.failure = "runtime custom needs a local command: spec.container.image alone (" +
                  (container_image.empty() ? std::string("none given") : container_image) +
                  ") cannot run without a cluster; set spec.container.command (and args) to a program that "
                  "serves MCP over Streamable HTTP on the workload's port (\"{port}\" in them is replaced by it)";
    }
  } else if (!runtime) {
    // KAOS's message (constructContainerFromRuntime).
    w.role = "custom";
    tcp_probes(w);
    w.failure = "unknown runtime: " + spec.runtime + " (not found in registry)";
  } else {
    if (!runtime->params_env_var.empty() && !spec.params.empty()) env.set(runtime->params_env_var, spec.params);
    if (runtime->transport == "stdio") {
      // Any stdio MCP server, bridged to Streamable HTTP by our `kaos mcp`.
      w.role = "mcp";
      w.image = container_image.empty() ? options.agent_image : container_image;
      our_role_probes(w);
      w.command = {"kaos", "mcp", "--runtime", "stdio", "--host", options.bind_host, "--port", port};
      if (has_command(spec.container)) {
        w.command.emplace_back("--");
        auto child = user_command(*spec.container, w.port);
        w.command.insert(w.command.end(), child.begin(), child.end());
      } else {
        w.command.clear();
        w.failure = "runtime " + spec.runtime +
                    " needs spec.container.command (and args): the stdio MCP server to run, e.g. "
                    "[\"npx\", \"-y\", \"@modelcontextprotocol/server-filesystem\", \"/data\"]";
      }
    } else if (spec.runtime == "python-string") {
      // Our native python-string runtime reads MCP_TOOLS_STRING itself.
      w.role = "mcp";
      w.image = options.agent_image;
      our_role_probes(w);
      w.command = {"kaos", "mcp", "--runtime", "python-string", "--host", options.bind_host, "--port", port};
    } else {
      // kubernetes, slack, pctx, ...: an image of its own. KAOS lets container.command/args
      // replace the image's; locally that is the only way to run it.
      w.role = "custom";
      w.image = container_image.empty() ? runtime->image : container_image;
      tcp_probes(w);
      if (options.runs_images) {
        if (w.image.empty())
          w.failure = "runtime " + spec.runtime + " has no image in the registry; set spec.container.image";
        else
          image_command(w, spec.container, runtime);
      } else if (has_command(spec.container)) {
        w.command = user_command(*spec.container, w.port);
      } else {
        w.failure = "runtime " + spec.runtime + " runs the container image " +
                    (runtime->image.empty() ? std::string("(none in the registry)") : runtime->image) +
                    ", which needs a cluster; to run it locally set spec.container.command (and args) to a "
                    "program that serves MCP over Streamable HTTP on the workload's port (\"{port}\" in them is "
                    "replaced by it)";
      }
    }
  }

  if (auto telemetry = effective_telemetry(spec.telemetry, options))
    add_otel_env(env, *telemetry, s.metadata.name, s.metadata.namespace_);
  if (spec.container) env.merge_user(spec.container->env);  // the user wins, OTel included
  if (spec.container && spec.container->resources)          // the one override field the plan leaves
  {
    api::ContainerOverride resources_only;
    resources_only.resources = spec.container->resources;
    w.container_override = std::move(resources_only);
  }
  env.set_default("LOG_LEVEL", options.log_level);
  w.env = env.sorted();
  return w;
}

}  // namespace kaos::plan::detail
