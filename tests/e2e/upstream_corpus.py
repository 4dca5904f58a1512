"""Shared plumbing of the upstream-corpus tests (upstream_corpus_*_test.py): where the corpus
lives (tests/fixtures/upstream), which KAOS documents a fixture holds, the text checks of
`kaos validate` against a fixture's `# expect:` lines, and helpers over `kaos status`,
`kaos memory` and an agent's A2A endpoint. Python 3 standard library only.

The fixtures are ours, written in the shape of upstream KAOS's samples and e2e resources; each
names the upstream file and commit it follows (tests/fixtures/upstream/README.md)."""
import json
import os
import re
import urllib.request

import e2e_support as e

CORPUS = os.path.join(e.REPO, "tests", "fixtures", "upstream")
RUNNABLE = os.path.join(CORPUS, "runnable")
NEWEST_SCHEMA = os.path.join(CORPUS, "newest-schema")
CRD_DISAGREEMENTS = os.path.join(CORPUS, "crd-disagreements")

# Kinds a local runtime runs as processes; the other kaos.tools kinds of the corpus have no
# local implementation and must still be listed with a phase and a message.
WORKLOAD_KINDS = ("ModelAPI", "MCPServer", "Agent")
PHASES = ("Pending", "Waiting", "Ready", "Failed")

# A Hosted ModelAPI as every fixture writes it, and what the mock pass turns it into: the
# analogue of upstream's `kaos samples deploy NAME --mode Proxy`, with our mock provider
# (docs/modelapi-mock.md) in place of a real one.
HOSTED_BLOCK = '  mode: Hosted\n  hostedConfig:\n    model: "smollm2:135m"\n'
MOCK_BLOCK = '  mode: Proxy\n  proxyConfig:\n    models: ["smollm2:135m"]\n    provider: mock\n'


def hide_ollama(rt):
    """Drops from the runtime's PATH every directory holding `ollama`: the corpus checks what a
    machine without it shows for Hosted ModelAPIs (Failed, pointing at Proxy mode)."""
    dirs = rt.env.get("PATH", "").split(os.pathsep)
    rt.env["PATH"] = os.pathsep.join(d for d in dirs if d and not os.path.exists(os.path.join(d, "ollama")))


def fixture_files(directory):
    return sorted(os.path.join(directory, f) for f in os.listdir(directory) if f.endswith(".yaml"))


def _top_level(doc, key):
    m = re.search(rf"^{key}:[ \t]*(\S.*)$", doc, re.M)
    return m.group(1).strip().strip("\"'") if m else None


def _metadata_field(doc, key):
    block = re.search(r"^metadata:\n((?:[ \t]+.*\n?)*)", doc, re.M)
    if not block:
        return None
    m = re.search(rf"^  {key}:[ \t]*(\S.*)$", block.group(1), re.M)
    return m.group(1).strip().strip("\"'") if m else None


def kaos_documents(path):
    """(kind, namespace, name) of every kaos.tools document of a fixture file. The fixtures are
    ours and keep `kind`, `apiVersion` and `metadata` at column 0, which is all this reads."""
    with open(path) as f:
        text = f.read()
    out = []
    for doc in re.split(r"^---[ \t]*$", text, flags=re.M):
        api = _top_level(doc, "apiVersion") or ""
        if not api.startswith("kaos.tools/"):
            continue
        out.append((_top_level(doc, "kind"), _metadata_field(doc, "namespace") or "default",
                    _metadata_field(doc, "name")))
    return out


def expected_errors(path):
    """The `# expect:` lines of a fixture: each is fragments joined by ' ... ' that one error
    line of `kaos validate` must contain, in order."""
    with open(path) as f:
        return [line[len("# expect:"):].strip().split(" ... ") for line in f if line.startswith("# expect:")]


def line_matches(line, fragments):
    pos = 0
    for frag in fragments:
        pos = line.find(frag, pos)
        if pos < 0:
            return False
        pos += len(frag)
    return True


def mock_pass_copy(src_dir, dst_dir):
    """Copies the fixtures of src_dir to dst_dir with every Hosted ModelAPI turned into a Proxy
    on the mock provider. Returns how many were turned."""
    turned = 0
    for path in fixture_files(src_dir):
        with open(path) as f:
            text = f.read()
        turned += text.count(HOSTED_BLOCK)
        with open(os.path.join(dst_dir, os.path.basename(path)), "w") as f:
            f.write(text.replace(HOSTED_BLOCK, MOCK_BLOCK))
    return turned


def status_by_key(rt):
    """`kaos status -o json` resources keyed by (kind, namespace, name)."""
    return {(r.get("kind"), r.get("namespace"), r.get("name")): r for r in rt.status()["resources"]}


def memory_events(rt, agent, ns):
    return rt.json("memory", agent, "-n", ns, "-o", "json")["events"]


def events_of(events, event_type):
    return [ev for ev in events if ev["event_type"] == event_type]


def tool_results(rt, agent, ns):
    """{tool name: [result texts]} from an agent's memory."""
    out = {}
    for ev in events_of(memory_events(rt, agent, ns), "tool_result"):
        out.setdefault(ev["content"].get("tool"), []).append(str(ev["content"].get("result")))
    return out


def delegations_received(rt, agent, ns):
    return [ev["content"] for ev in events_of(memory_events(rt, agent, ns), "task_delegation_received")]


def degraded(resource):
    """True when a status carries the MemoryDegraded condition (KAOS's Agent condition)."""
    for c in resource.get("conditions") or []:
        if c.get("type") == "MemoryDegraded" and str(c.get("status")).lower() == "true":
            return True
    return False


def post_json(url, body, headers=None, timeout=30):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read().decode())


def kaos_send_message(endpoint, text, configuration=None, context_id=None):
    """SendMessage as upstream KAOS's clients send it (e2e tests, kaos-cli, kaos-ui): PascalCase
    method, parts with "type": "text", params-level contextId, no A2A-Version header."""
    params = {"message": {"role": "user", "parts": [{"type": "text", "text": text}]}}
    if context_id:
        params["contextId"] = context_id
    if configuration:
        params["configuration"] = configuration
    return post_json(endpoint + "/", {"jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": params})


def kaos_get_task(endpoint, task_id):
    return post_json(endpoint + "/", {"jsonrpc": "2.0", "id": 2, "method": "GetTask", "params": {"id": task_id}})
