#!/usr/bin/env python3
"""End to end: a descriptor census of a running `kaos up` (issue 11, item 1). The quickstart
(a mock ModelAPI, a python-string MCP server, an agent) runs, one chat makes the agent call a
tool (so Python workers and pooled connections exist), then every process of the tree -- the
supervisor, the workloads, their Python workers -- is listed through /proc/<pid>/fd.

What a process may hold beyond 0-2 ("declared channels"), precisely:
- kernel internals of its own event loop: eventpoll, eventfd, timerfd, signalfd, pidfd, inotify;
- a pipe only when an ancestor or a descendant in the tree holds the same pipe (a child's stdio;
  a worker's protocol channel, which the server shares with the worker's Python process, the
  grandchild of the worker it spawned), or when it holds both ends itself (a self-pipe: Asio's
  signal_set);
- TCP sockets only when it is the supervisor or a workload (never a worker): LISTEN sockets only
  on its own port (a workload: its endpoint's port; the supervisor: its control API's port), other
  TCP sockets are its own connections (accepted or outgoing, or being opened); Unix and UDP
  sockets: none;
- regular files: none under the state directory, except the supervisor (which appends workload
  output to the logs); a workload's own log only as fd 1/2.
So: nobody listens on another workload's port or the control API's; no worker holds any socket;
nobody holds another workload's log file.

Usage: census_test.py KAOS_BINARY
"""
import json
import os
import re

import e2e_support as e

INTERNALS = re.compile(r"^anon_inode:(\[(eventpoll|eventfd|timerfd|signalfd|pidfd)\]|inotify)$")


def tcp_sockets():
    """inode -> (local port, LISTEN?) for every TCP socket of the host."""
    out = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    cols = line.split()
                    out[cols[9]] = (int(cols[1].rsplit(":", 1)[1], 16), cols[3] == "0A")
        except OSError:
            pass
    return out


def other_sockets():
    """inode -> kind for the host's Unix and UDP sockets. A socket in none of the tables is a
    TCP socket not yet bound or connected (an outgoing connection being opened) or a
    short-lived netlink socket (name resolution)."""
    out = {}
    for table, kind, col in (("/proc/net/unix", "Unix", 6), ("/proc/net/udp", "UDP", 9), ("/proc/net/udp6", "UDP", 9)):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    cols = line.split()
                    if len(cols) > col:
                        out[cols[col]] = kind
        except OSError:
            pass
    return out


def descriptors(pid):
    """fd number -> link target of a process."""
    out = {}
    base = f"/proc/{pid}/fd"
    for fd in os.listdir(base):
        try:
            out[int(fd)] = os.readlink(os.path.join(base, fd))
        except OSError:
            pass  # closed meanwhile
    return out


def port_of(endpoint):
    return int(endpoint.rsplit(":", 1)[1].split("/")[0])


class CensusTest(e.RuntimeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.up = cls.rt.run("up", "-f", e.QUICKSTART, "-d", timeout=180)

    def test_every_process_holds_only_its_declared_channels(self):
        self.assertEqual(self.up.returncode, 0, self.up.stdout + self.up.stderr)
        resources = self.rt.wait_all_ready()
        self.assertIn("5", self.rt.run("chat", "assistant", 'Please add {"a": 2, "b": 3}', check=0).stdout)
        sup = self.rt.supervisor_pid()
        with open(os.path.join(self.rt.state_dir, "supervisor.json")) as f:
            control_port = port_of(json.load(f)["control_url"])
        own_port = {sup: control_port}
        log_of = {}
        for r in resources:
            own_port[r["pid"]] = port_of(r["endpoint"])
        tree = [sup, *e.descendants(sup)]
        workers = [p for p in tree if "kaos-python-worker" in " ".join(e.cmdline(p))]
        self.assertTrue(workers, "the tool call started no Python worker")
        self.assertEqual(set(tree), {sup, *own_port, *workers}, "a process that is neither workload nor worker")
        fds = {p: descriptors(p) for p in tree}
        sockets, others = tcp_sockets(), other_sockets()
        children = {p: [c for c in tree if e._stat(c) and e._stat(c)[1] == p] for p in tree}
        parent_of = {p: (e._stat(p) or (None, None))[1] for p in tree}

        def ancestors(p):
            out = []
            while parent_of.get(p) in fds:
                p = parent_of[p]
                out.append(p)
            return out

        def descendants_in(p):
            out, frontier = [], [p]
            while frontier:
                frontier = [c for q in frontier for c in children[q]]
                out += frontier
            return out

        logs_dir = os.path.join(self.rt.state_dir, "logs")
        for r in resources:
            log_of[r["pid"]] = fds[r["pid"]].get(2)
        problems = []
        for p in tree:
            who = f"pid {p} ({' '.join(e.cmdline(p))[:60]})"
            for fd, target in sorted(fds[p].items()):
                if fd <= 2 and not (target.startswith(logs_dir) and p in log_of and target != log_of[p]):
                    continue
                if INTERNALS.match(target):
                    continue
                if target.startswith("pipe:"):
                    kin = ancestors(p) + descendants_in(p)
                    shared = any(target in fds[k].values() for k in kin)
                    self_pipe = list(fds[p].values()).count(target) >= 2
                    if not shared and not self_pipe:
                        problems.append(f"{who} fd {fd}: {target} is shared with neither its parent nor a child")
                    continue
                m = re.match(r"socket:\[(\d+)\]$", target)
                if m:
                    tcp = sockets.get(m.group(1))
                    if p in workers:
                        problems.append(f"{who} fd {fd}: a worker holds a socket ({tcp or 'not TCP'})")
                    elif m.group(1) in others:
                        problems.append(f"{who} fd {fd}: a {others[m.group(1)]} socket")
                    elif tcp[1] and tcp[0] != own_port[p]:
                        problems.append(f"{who} fd {fd}: listens on port {tcp[0]}, not its own {own_port[p]}")
                    continue
                if target.startswith(self.rt.state_dir) and p != sup:
                    problems.append(f"{who} fd {fd}: holds {target}")
                elif not target.startswith(self.rt.state_dir) and not target.startswith("/dev/"):
                    problems.append(f"{who} fd {fd}: holds {target}")
        self.assertEqual(problems, [], "\n".join(problems))
        # The census saw the channels it is about: listeners of every workload and the API.
        listening = {sockets[m][0] for p in tree for t in fds[p].values()
                     for m in re.findall(r"socket:\[(\d+)\]", t) if m in sockets and sockets[m][1]}
        self.assertEqual(listening, set(own_port.values()))

    def test_zz_down_leaves_nothing(self):
        self.assertDownLeavesNothing()


if __name__ == "__main__":
    e.main()
