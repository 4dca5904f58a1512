#!/usr/bin/env python3
"""Checks the layering of src/ (DESIGN.md §4).

Two rules, one source of truth each:
A module is a folder src/X/, or src/servers/X/ or src/control/X/ (the group folders of floor 3).
1. Every module's CMakeLists.txt declares its dependencies (`kaos_module(PATH ... DEPS a b)`);
   those must point down the floors below.
   Servers (agent, modelapi, mcp, memory) may depend only on core, net, protocol, telemetry
   and clients.
2. Every `#include "X/..."` (or "servers/X/...", "control/X/...") in a module must name the
   module itself or one it may reach through its declared DEPS (transitively). Boost.Beast may
   be included only in src/net/.
The compiler enforces rule 2 as well (cmake/KaosModule.cmake include roots); this script is the
readable statement of the rule and also checks rule 1, which the compiler cannot.
Exits 1 with one line per violation.
"""
import os
import re
import sys

FLOORS = {
    "core": 0,
    "net": 1, "protocol": 1, "telemetry": 1, "api": 1,
    "plan": 2, "k8s": 2, "clients": 2,
    "operator": 3, "local": 3, "dashboard": 3, "agent": 3, "modelapi": 3, "mcp": 3, "memory": 3, "ui": 3,
    "cli": 4,
    "app": 5,
}
# Sideways steps DESIGN.md allows on one floor.
SIDEWAYS = {("telemetry", "net")}
# Floor-3 servers never depend on each other, whatever the floors say, and reach below only
# the wire-level modules: they are configured by their environment, never by resources (api)
# or plans (plan, k8s), exactly as they run in a pod.
SERVERS = {"modelapi", "mcp", "agent", "memory"}
SERVER_DEPS = {"core", "net", "protocol", "telemetry", "clients"}

GROUPS = ("servers", "control")
MODULE_RE = re.compile(r"kaos_module\(\s*([\w/]+)(.*?)\)\s*$", re.S | re.M)
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"(?:servers/|control/)?([a-z0-9_]+)/')
BEAST_RE = re.compile(r'^\s*#\s*include\s*[<"]boost/beast')


def module_folders(src):
    """Module name → its folder relative to src/."""
    folders = {}
    for d in sorted(os.listdir(src)):
        if not os.path.isdir(os.path.join(src, d)):
            continue
        if d in GROUPS:
            for m in sorted(os.listdir(os.path.join(src, d))):
                if os.path.isdir(os.path.join(src, d, m)):
                    folders[m] = f"{d}/{m}"
        else:
            folders[d] = d
    return folders


def declared_deps(src, folders):
    deps = {}
    for module, folder in folders.items():
        cml = os.path.join(src, folder, "CMakeLists.txt")
        if not os.path.isfile(cml):
            continue
        text = open(cml, encoding="utf-8").read()
        m = MODULE_RE.search(text)
        if not m:
            deps[module] = None  # an executable (app): may use anything below
            continue
        body = m.group(2)
        dm = re.search(r"\bDEPS\b(.*?)(\b[A-Z_]{4,}\b|$)", body, re.S)
        deps[module] = set(dm.group(1).split()) if dm else set()
    return deps


def closure(module, deps):
    seen, stack = set(), [module]
    while stack:
        for d in deps.get(stack.pop()) or ():
            if d not in seen:
                seen.add(d)
                stack.append(d)
    return seen


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    src = os.path.join(repo, "src")
    folders = module_folders(src)
    deps = declared_deps(src, folders)
    bad = []
    for module, ds in deps.items():
        if module not in FLOORS:
            bad.append(f"src/{folders[module]}: not on DESIGN.md's floors")
            continue
        for d in ds or ():
            if d not in FLOORS:
                bad.append(f"src/{folders[module]}/CMakeLists.txt: unknown module '{d}'")
            elif (FLOORS[d] >= FLOORS[module] and (module, d) not in SIDEWAYS) or (module in SERVERS and d not in SERVER_DEPS):
                bad.append(f"src/{folders[module]}/CMakeLists.txt: {module} (floor {FLOORS[module]}) may not depend on {d} (floor {FLOORS[d]})")
    for module in deps:
        allowed = None if deps[module] is None else closure(module, deps) | {module}
        for root, _, files in os.walk(os.path.join(src, folders[module])):
            for name in files:
                if not name.endswith((".hpp", ".cpp", ".h", ".ipp", ".in")):
                    continue
                path = os.path.join(root, name)
                rel = os.path.relpath(path, repo)
                with open(path, encoding="utf-8", errors="replace") as f:
                    for no, line in enumerate(f, 1):
                        if BEAST_RE.match(line) and module != "net":
                            bad.append(f"{rel}:{no}: Boost.Beast outside src/net")
                        m = INCLUDE_RE.match(line)
                        if not m or m.group(1) not in deps:
                            continue
                        target = m.group(1)
                        if allowed is not None and target not in allowed:
                            bad.append(f"{rel}:{no}: {module} may not include {target}/ (not in its DEPS)")
                        elif allowed is None and FLOORS.get(target, 99) >= FLOORS.get(module, 0):
                            bad.append(f"{rel}:{no}: {module} may not include {target}/ (same or higher floor)")
    for b in bad:
        print(b)
    print(f"layering: {len(bad)} violation(s) in {len(deps)} modules")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
