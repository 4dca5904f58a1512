"""The Helm chart deploy/helm/kaos-operator renders what `kaos install` prints.

Usage: chart_test.py KAOS_BINARY [unittest args]

Each case renders the chart (helm.py, on gotemplate.py) with some values and runs `kaos install`
with the flags that mean the same, then compares every object after removing what only one
side writes: Helm's own labels (helm.sh/chart, app.kubernetes.io/instance, /version,
/managed-by) and the Namespace, which `kaos install` creates and Helm leaves to
`--create-namespace`. runtimes.yaml is compared parsed, since two YAML texts may spell one
registry differently."""
import json
import os
import subprocess
import sys
import unittest

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CHART = os.path.join(REPO, "deploy", "helm", "kaos-operator")
sys.path.insert(0, HERE)
from gotemplate import TemplateError  # noqa: E402
from helm import render_chart  # noqa: E402

KAOS = ""
ONE_SIDED_LABELS = {"helm.sh/chart", "app.kubernetes.io/instance", "app.kubernetes.io/version",
                    "app.kubernetes.io/managed-by"}


def kaos_install(*flags):
    proc = subprocess.run([KAOS, "install", "-o", "json", *flags], capture_output=True, text=True, timeout=30)
    if proc.returncode != 0:
        raise AssertionError(f"kaos install {' '.join(flags)} failed: {proc.stderr}")
    listing = json.loads(proc.stdout)
    assert listing["kind"] == "List", listing["kind"]
    return listing["items"]


def normalised(obj):
    obj = json.loads(json.dumps(obj))  # a deep copy
    labels = obj["metadata"].get("labels")
    if labels is not None:
        obj["metadata"]["labels"] = {k: v for k, v in labels.items() if k not in ONE_SIDED_LABELS}
    if obj["kind"] == "ConfigMap" and "runtimes.yaml" in obj.get("data", {}):
        obj["data"]["runtimes.yaml"] = yaml.safe_load(obj["data"]["runtimes.yaml"])
    return obj


def key(obj):
    return (obj["kind"], obj["metadata"].get("namespace", ""), obj["metadata"]["name"])


def by_key(objects):
    out = {}
    for obj in objects:
        assert key(obj) not in out, f"{key(obj)} twice"
        out[key(obj)] = normalised(obj)
    return out


def chart_objects(namespace="kaos-system", values=None):
    crds, rendered = render_chart(CHART, release_name="kaos", namespace=namespace, values=values)
    return crds + [obj for _, obj in rendered]


class ChartMatchesKaosInstall(unittest.TestCase):
    maxDiff = None

    def assert_same_install(self, chart, install):
        install = [o for o in install if o["kind"] != "Namespace"]
        chart_by, install_by = by_key(chart), by_key(install)
        self.assertEqual(sorted(chart_by), sorted(install_by))
        for k in install_by:
            self.assertEqual(chart_by[k], install_by[k], k)

    def test_defaults(self):
        install = kaos_install()
        self.assertEqual([o["kind"] for o in install].count("CustomResourceDefinition"), 4)
        self.assertIn(("Namespace", "", "kaos-system"), [key(o) for o in install])
        self.assert_same_install(chart_objects(), install)

    def test_namespace_and_image(self):
        values = {"controllerManager": {"manager": {"image": {"repository": "registry.example/kaos", "tag": "1.2"}}}}
        install = kaos_install("--namespace", "ops", "--image", "registry.example/kaos:1.2")
        self.assert_same_install(chart_objects("ops", values), install)
        deployment = next(o for o in install if o["kind"] == "Deployment")
        self.assertEqual(deployment["metadata"]["namespace"], "ops")
        self.assertEqual(deployment["spec"]["template"]["spec"]["containers"][0]["image"], "registry.example/kaos:1.2")

    def test_gateway_telemetry_and_log_level(self):
        values = {"gatewayAPI": {"enabled": True, "createGateway": True, "gatewayClassName": "eg",
                                 "gatewayName": "edge", "gatewayNamespace": "gw"},
                  "telemetry": {"enabled": True, "endpoint": "http://otel:4317"}, "logLevel": "debug",
                  "defaultImages": {"ollama": "ollama/ollama:0.5"}}
        install = kaos_install("--gateway-api", "--gateway-class", "eg", "--gateway-name", "edge",
                               "--gateway-namespace", "gw", "--telemetry-endpoint", "http://otel:4317",
                               "--log-level", "debug", "--ollama-image", "ollama/ollama:0.5")
        self.assertIn(("Gateway", "gw", "edge"), [key(o) for o in install])
        self.assert_same_install(chart_objects(values=values), install)

    def test_yaml_output_reads_back_as_the_json_output_under_yaml_1_1(self):
        # kubectl decodes YAML as YAML 1.1 does (yes/no/on/off are booleans there), as PyYAML
        # does: the YAML stream must mean what the JSON output says.
        for flags in ((), ("--gateway-api", "--gateway-class", "eg", "--telemetry-endpoint", "http://o:4317")):
            proc = subprocess.run([KAOS, "install", *flags], capture_output=True, text=True, timeout=30, check=True)
            self.assertEqual([d for d in yaml.safe_load_all(proc.stdout) if d], kaos_install(*flags))

    def test_chart_crds_are_the_generated_ones(self):
        for name in sorted(os.listdir(os.path.join(REPO, "deploy", "crds"))):
            with open(os.path.join(REPO, "deploy", "crds", name), "rb") as a, \
                 open(os.path.join(CHART, "crds", name), "rb") as b:
                self.assertEqual(a.read(), b.read(),
                                 f"{name} differs; regenerate: kaos crds -d deploy/helm/kaos-operator/crds")


class ChartOnlyValues(unittest.TestCase):
    def runtimes(self, values):
        rendered = chart_objects(values=values)
        cm = next(o for o in rendered if o["metadata"]["name"] == "kaos-mcp-runtimes")
        return yaml.safe_load(cm["data"]["runtimes.yaml"])["runtimes"]

    def test_custom_mcp_runtimes_are_added_or_replace_a_builtin(self):
        custom = {"mine": {"type": "python", "image": "me/mcp:1", "paramsEnvVar": "MY_PARAMS", "transport": "http"},
                  "slack": {"type": "nodejs", "image": "me/slack:2", "transport": "http"}}
        runtimes = self.runtimes({"mcpRuntimes": {"custom": custom}})
        self.assertEqual(runtimes["mine"], custom["mine"])
        self.assertEqual(runtimes["slack"], custom["slack"])
        self.assertEqual(sorted(runtimes), ["kubernetes", "mine", "python-string", "slack", "stdio"])

    def test_existing_service_account_and_scheduling(self):
        values = {"serviceAccount": {"create": False, "name": "mine"},
                  "controllerManager": {"replicas": 2, "nodeSelector": {"pool": "system"},
                                        "tolerations": [{"key": "system", "operator": "Exists"}]}}
        rendered = chart_objects(values=values)
        self.assertNotIn("ServiceAccount", [o["kind"] for o in rendered])
        deployment = next(o for o in rendered if o["kind"] == "Deployment")
        pod = deployment["spec"]["template"]["spec"]
        self.assertEqual(pod["serviceAccountName"], "mine")
        self.assertEqual(pod["nodeSelector"], {"pool": "system"})
        self.assertEqual(pod["tolerations"], [{"key": "system", "operator": "Exists"}])
        self.assertEqual(deployment["spec"]["replicas"], 2)
        for o in rendered:
            for subject in o.get("subjects", []):
                self.assertEqual(subject["name"], "mine")

    def test_missing_required_values_fail_the_render(self):
        with self.assertRaisesRegex(TemplateError, "gatewayClassName is required"):
            chart_objects(values={"gatewayAPI": {"enabled": True, "createGateway": True}})
        with self.assertRaisesRegex(TemplateError, "telemetry.endpoint is required"):
            chart_objects(values={"telemetry": {"enabled": True}})


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: chart_test.py KAOS_BINARY [unittest args]")
    KAOS = os.path.abspath(sys.argv.pop(1))
    unittest.main()
