"""The KAOS resources the operator bench creates, and the paths they live at."""
import json
import os
import subprocess
import tempfile

from kube import KAOS_API

PLURALS = {"ModelAPI": "modelapis", "MCPServer": "mcpservers", "Agent": "agents"}


def path(kind, ns, name=""):
    base = f"{KAOS_API}/namespaces/{ns}/{PLURALS[kind]}"
    return f"{base}/{name}" if name else base


def resource(kind, ns, name, spec):
    return {"apiVersion": "kaos.tools/v1alpha1", "kind": kind, "metadata": {"name": name, "namespace": ns},
            "spec": spec}


def model_api(ns, name="mock-llm"):
    return resource("ModelAPI", ns, name, {"mode": "Proxy",
                                           "proxyConfig": {"provider": "mock", "models": ["mock-model"]}})


def mcp_server(ns, name):
    # python-string with a one-line tool: the cheapest MCPServer to render.
    return resource("MCPServer", ns, name, {"runtime": "python-string",
                                            "params": "def echo(text: str) -> str:\n    return text\n"})


def agent(ns, name):
    return resource("Agent", ns, name, {"modelAPI": "mock-llm", "model": "mock-model", "mcpServers": ["calculator"],
                                        "config": {"description": "bench agent"}})


def namespace(name):
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def rendered_agent_deployment(kaos, ns):
    """The Deployment the operator would write for agent(ns, NAME), from `kaos render` (the same
    renderer), as JSON text with the agent's name as the placeholder 'zzbenchzz'."""
    docs = [model_api(ns), mcp_server(ns, "calculator"), agent(ns, "zzbenchzz")]
    with tempfile.TemporaryDirectory() as d:
        for i, doc in enumerate(docs):
            with open(os.path.join(d, f"{i}.json"), "w") as out:
                json.dump(doc, out)
        text = subprocess.run([kaos, "render", "-f", d, "-n", ns, "-o", "json"], check=True, capture_output=True,
                              text=True).stdout
    for item in json.loads(text)["items"]:
        if item["kind"] == "Deployment" and item["metadata"]["name"] == "agent-zzbenchzz":
            return json.dumps(item)
    raise RuntimeError("kaos render printed no Deployment agent-zzbenchzz")
