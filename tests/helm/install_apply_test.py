"""`kaos install | kubectl apply --server-side -f -` against the stand-in API server
(tests/k8s), with the kubectl on this machine: a server-side dry run, a real apply, and the
Helm chart's objects too.

Usage: install_apply_test.py KAOS_BINARY [unittest args]

The stand-in starts with no CRDs: the install registers them. A dry run creates no
namespace (as on a real cluster), so the Namespace is created first, as a user would with
`kubectl create namespace`."""
import json
import os
import subprocess
import sys
import unittest

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "k8s"))
from helm import render_chart  # noqa: E402
from support import StandIn  # noqa: E402

KAOS = ""


def kaos(*args, check=True):
    proc = subprocess.run([KAOS, *args], capture_output=True, text=True, timeout=30)
    if check and proc.returncode != 0:
        raise AssertionError(f"kaos {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return proc


def namespace_doc(name):
    return json.dumps({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})


class InstallApplyTest(unittest.TestCase):
    def setUp(self):
        self.k8s = StandIn()
        self.addCleanup(self.k8s.stop)

    def apply(self, manifests, *extra):
        return self.k8s.kubectl("apply", "--server-side", *extra, "-f", "-", stdin=manifests, timeout=60)

    def test_help_names_the_pipe_and_bad_options_fail(self):
        self.assertIn("kaos install | kubectl apply --server-side -f -", kaos("install", "--help").stdout)
        bad = kaos("install", "--namespace", "Not_A_Label", check=False)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("namespace", bad.stderr)
        self.assertEqual(bad.stdout, "")

    def test_server_side_dry_run_of_the_install_passes_and_persists_nothing(self):
        self.k8s.kubectl("create", "-f", "-", stdin=namespace_doc("kaos-system"))
        out = self.apply(kaos("install").stdout, "--dry-run=server").stdout
        for line in ("customresourcedefinition.apiextensions.k8s.io/agents.kaos.tools serverside-applied",
                     "clusterrole.rbac.authorization.k8s.io/kaos-operator serverside-applied",
                     "role.rbac.authorization.k8s.io/kaos-operator-leader-election serverside-applied",
                     "configmap/kaos-mcp-runtimes serverside-applied",
                     "deployment.apps/kaos-operator serverside-applied"):
            self.assertIn(line, out)
        self.assertIn("server dry run", out)
        missing = self.k8s.kubectl("get", "clusterrole", "kaos-operator", check=False)
        self.assertNotEqual(missing.returncode, 0)
        self.assertIn("NotFound", missing.stderr)

    def test_apply_installs_every_object_and_a_reapply_changes_nothing(self):
        install_json = json.loads(kaos("install", "-o", "json", "--namespace", "ops").stdout)["items"]
        self.apply(kaos("install", "--namespace", "ops").stdout)
        role = self.k8s.kubectl_json("get", "clusterrole", "kaos-operator")
        expected_role = next(o for o in install_json if o["kind"] == "ClusterRole")
        self.assertEqual(role["rules"], expected_role["rules"])
        lease_role = self.k8s.kubectl_json("get", "role", "-n", "ops", "kaos-operator-leader-election")
        self.assertEqual(lease_role["rules"][0]["resources"], ["leases"])
        binding = self.k8s.kubectl_json("get", "clusterrolebinding", "kaos-operator")
        self.assertEqual(binding["subjects"], [{"kind": "ServiceAccount", "name": "kaos-operator", "namespace": "ops"}])
        deployment = self.k8s.kubectl_json("get", "deployment", "-n", "ops", "kaos-operator")
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        self.assertEqual(container["args"][0], "--leader-elect")
        self.assertEqual(container["envFrom"][0]["configMapRef"]["name"], "kaos-operator-config")
        config = self.k8s.kubectl_json("get", "configmap", "-n", "ops", "kaos-operator-config")
        self.assertEqual(config["data"]["SYSTEM_NAMESPACE"], "ops")
        runtimes = self.k8s.kubectl_json("get", "configmap", "-n", "ops", "kaos-mcp-runtimes")
        self.assertIn("python-string", yaml.safe_load(runtimes["data"]["runtimes.yaml"])["runtimes"])
        self.k8s.kubectl_json("get", "serviceaccount", "-n", "ops", "kaos-operator")
        # The CRDs it registered serve their kinds.
        self.assertEqual(self.k8s.kubectl_json("get", "agents", "-A")["items"], [])
        self.k8s.control("POST", "counters/reset")
        self.apply(kaos("install", "--namespace", "ops").stdout)
        self.assertEqual(self.k8s.control("GET", "counters")["changes"], {})

    def test_gateway_install_and_the_helm_chart_apply_too(self):
        self.k8s.kubectl("create", "-f", "-", stdin=namespace_doc("kaos-system"))
        self.apply(kaos("install", "--gateway-api").stdout, "--dry-run=server")
        crds, rendered = render_chart(os.path.join(REPO, "deploy", "helm", "kaos-operator"), release_name="kaos",
                                      namespace="kaos-system")
        stream = "".join("---\n" + yaml.safe_dump(o) for o in crds + [obj for _, obj in rendered])
        out = self.apply(stream).stdout
        self.assertIn("deployment.apps/kaos-operator serverside-applied", out)
        labels = self.k8s.kubectl_json("get", "deployment", "-n", "kaos-system", "kaos-operator")["metadata"]["labels"]
        self.assertEqual(labels["app.kubernetes.io/managed-by"], "Helm")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: install_apply_test.py KAOS_BINARY [unittest args]")
    KAOS = os.path.abspath(sys.argv.pop(1))
    unittest.main()
