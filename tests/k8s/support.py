"""What the stand-in's own tests share: the stand-in as a real child process (its CLI), a
kubeconfig pointing at it, kubectl runs with a deadline, the control surface, and polling."""
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
from processes import terminate_gracefully  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CRDS = os.path.join(REPO, "deploy", "crds")


class StandIn:
    """`python3 standin.py --port 0 --print-port --kubeconfig FILE` as a child process."""

    def __init__(self, *extra):
        self.dir = tempfile.mkdtemp(prefix="k8s-standin-")
        self.kubeconfig = os.path.join(self.dir, "kubeconfig")
        with open(os.path.join(self.dir, "stderr"), "w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, os.path.join(HERE, "standin.py"), "--port", "0", "--print-port",
                 "--kubeconfig", self.kubeconfig, *extra], stdout=subprocess.PIPE, stderr=err, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            self.stop()
            raise RuntimeError(f"stand-in did not start: {line!r} {self.stderr()}")
        self.port = int(line.split()[1])
        # kubectl's environment: this server's kubeconfig, and a discovery cache of our own
        # (not the user's ~/.kube/cache).
        self.env = dict(os.environ, KUBECONFIG=self.kubeconfig, KUBECACHEDIR=os.path.join(self.dir, "cache"))
        scheme = "https" if "--tls-cert" in extra else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        # The harness's own requests (control surface, raw checks) do not verify the test CA.
        self.ssl = ssl._create_unverified_context() if scheme == "https" else None

    def stderr(self):
        with open(os.path.join(self.dir, "stderr")) as f:
            return f.read()

    def stop(self):
        terminate_gracefully(self.proc)
        self.proc.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def control(self, method, path, body=None):
        req = urllib.request.Request(self.url + "/_standin/" + path, method=method,
                                     data=json.dumps(body or {}).encode() if method != "GET" else None,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10, context=self.ssl) as resp:
            return json.loads(resp.read())

    def request(self, method, path, body=None, content_type="application/json"):
        """(status, parsed JSON body) of a raw request."""
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, method=method, data=data,
                                     headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(req, timeout=10, context=self.ssl) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def kubectl(self, *args, check=True, timeout=30, stdin=None):
        proc = subprocess.run(["kubectl", *args], env=self.env, capture_output=True, text=True, timeout=timeout,
                              input=stdin)
        if check and proc.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc

    def kubectl_json(self, *args):
        return json.loads(self.kubectl(*args, "-o", "json").stdout)


def wait_for(predicate, timeout=10.0, what="condition"):
    """Polls predicate until it returns a truthy value; fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")
