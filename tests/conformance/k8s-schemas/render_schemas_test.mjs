// Every object `kaos render` prints for the fixture sets and the examples must be valid against
// the Kubernetes API schemas: Deployment, Service and ConfigMap through kubernetes-models (the
// validators it generates from the official OpenAPI spec), HTTPRoute through the hand-checked
// schema beside this file. Broken objects must be rejected, so the check can fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Service } from "kubernetes-models/v1/Service";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../..");
const kaos = process.env.KAOS_BIN ?? join(root, "build/bin/kaos");

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
const validateRoute = ajv.compile(JSON.parse(readFileSync(join(here, "httproute.schema.json"), "utf8")));

/** Throws with the schema's complaints when `object` is not valid for its kind. */
function validate(object) {
  switch (object.kind) {
    case "Deployment":
      return new Deployment(object).validate();
    case "Service":
      return new Service(object).validate();
    case "ConfigMap":
      return new ConfigMap(object).validate();
    case "HTTPRoute":
      if (!validateRoute(object)) throw new Error(ajv.errorsText(validateRoute.errors));
      return;
    default:
      throw new Error(`kaos render printed an unexpected kind ${object.kind}`);
  }
}

/** Fields no Kubernetes model declares, in the core objects (unknown_fields.py: the official
 * Python client's generated models; the OpenAPI validators above let unknown fields through). */
function unknownFields(objects) {
  const core = objects.filter((o) => o.kind !== "HTTPRoute");
  const out = execFileSync("/usr/bin/python3", [join(here, "unknown_fields.py")], { input: JSON.stringify(core) });
  return JSON.parse(out.toString());
}

/** The fixture sets: tests/fixtures/valid as one set, each examples/<name>/ as one. */
function fixtureSets() {
  const sets = [join(root, "tests/fixtures/valid")];
  for (const name of readdirSync(join(root, "examples")).sort()) {
    const dir = join(root, "examples", name);
    if (statSync(dir).isDirectory()) sets.push(dir);
  }
  return sets;
}

function render(path, env = {}) {
  const out = execFileSync(kaos, ["render", "-f", path, "-o", "json"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const list = JSON.parse(out.toString());
  assert.equal(list.kind, "List");
  return list.items;
}

const gateway = { GATEWAY_API_ENABLED: "true", SYSTEM_NAMESPACE: "kaos-system" };

for (const set of fixtureSets()) {
  test(`every object rendered for ${set.slice(root.length + 1)} is valid`, () => {
    const items = render(set, gateway);
    assert.ok(items.some((o) => o.kind === "Deployment"), "renders at least one Deployment");
    for (const object of items) {
      assert.doesNotThrow(() => validate(object), `${object.kind}/${object.metadata?.name}`);
    }
    assert.deepEqual(unknownFields(items), []);
  });
}

test("the fixture set renders every kind the validators cover", () => {
  const kinds = new Set(render(join(root, "tests/fixtures/valid"), gateway).map((o) => o.kind));
  assert.deepEqual([...kinds].sort(), ["ConfigMap", "Deployment", "HTTPRoute", "Service"]);
});

test("broken objects are rejected", () => {
  const items = render(join(root, "tests/fixtures/valid"), gateway);
  const first = (kind) => structuredClone(items.find((o) => o.kind === kind));

  const replicas = first("Deployment");
  replicas.spec.replicas = "one";
  assert.throws(() => validate(replicas));

  const noImage = first("Deployment");
  delete noImage.spec.template.spec.containers[0].name;
  assert.throws(() => validate(noImage));

  const probe = first("Deployment");
  probe.spec.template.spec.containers[0].livenessProbe.periodSeconds = "10s";
  assert.throws(() => validate(probe));

  const port = first("Service");
  port.spec.ports[0].port = "http";
  assert.throws(() => validate(port));

  const data = first("ConfigMap");
  data.data = { "config.yaml": 42 };
  assert.throws(() => validate(data));

  const timeout = first("HTTPRoute");
  timeout.spec.rules[0].timeouts.request = "2 minutes";
  assert.throws(() => validate(timeout));

  const typo = first("HTTPRoute");
  typo.spec.rules[0].backendRef = typo.spec.rules[0].backendRefs;
  assert.throws(() => validate(typo));

  const header = first("HTTPRoute");
  header.spec.rules[0].filters[1].requestHeaderModifier.set[0].name = "x kaos";
  assert.throws(() => validate(header));

  assert.throws(() => validate({ apiVersion: "v1", kind: "Pod", metadata: { name: "x" } }));

  const misspelt = first("Deployment");
  misspelt.spec.template.spec.containers[0].readinesProbe = misspelt.spec.template.spec.containers[0].readinessProbe;
  const servicePort = first("Service");
  servicePort.spec.ports[0].targetport = 8000;
  assert.deepEqual(unknownFields([misspelt, servicePort]), [
    `Deployment/${misspelt.metadata.name}: spec.template.spec.containers[0].readinesProbe`,
    `Service/${servicePort.metadata.name}: spec.ports[0].targetport`,
  ]);
});
