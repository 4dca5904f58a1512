// CEL conformance of the generated CRDs (deploy/crds) against `kaos validate`.
//
// `kaos validate` evaluates each x-kubernetes-validations rule with a hand-written C++
// predicate. This test evaluates the CEL text itself with a real CEL implementation
// (@bufbuild/cel) on every KAOS object of tests/fixtures and of cases.yaml, after applying the
// CRD defaults as the API server would, and checks that both find exactly the same rule
// violations. It catches CEL that does not parse and CEL that means something else than the
// C++ predicate.
//
// Usage: KAOS_BIN=build/bin/kaos node cel_rules_test.mjs   (from this folder: npm test)
import { run } from "@bufbuild/cel";
import { parseAllDocuments, parse } from "yaml";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const kaos = process.env.KAOS_BIN ?? join(root, "build", "bin", "kaos");

// kind -> openAPIV3Schema
const schemas = new Map();
for (const f of readdirSync(join(root, "deploy", "crds"))) {
  const crd = parse(readFileSync(join(root, "deploy", "crds", f), "utf8"));
  schemas.set(crd.spec.names.kind, crd.spec.versions[0].schema.openAPIV3Schema);
}

// API-server defaulting: absent properties with a default, inside present objects.
function applyDefaults(value, schema) {
  if (schema.type === "array" && Array.isArray(value) && schema.items) {
    value.forEach((v) => applyDefaults(v, schema.items));
  } else if (schema.type === "object" && value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) if (v === null) delete value[k];
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      if (!(name in value)) {
        if (prop.default !== undefined) value[name] = structuredClone(prop.default);
      } else applyDefaults(value[name], prop);
    }
  }
}

// JSON -> CEL input: objects become Maps, integers bigint.
function toCel(v) {
  if (Array.isArray(v)) return v.map(toCel);
  if (v && typeof v === "object") return new Map(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  return v;
}

// Every rule violation under `value`, as "path: message" (path like kaos validate prints it).
function violations(value, schema, path, out) {
  if (value === undefined || value === null) return;
  if (schema.type === "array" && Array.isArray(value)) {
    value.forEach((v, i) => violations(v, schema.items ?? {}, `${path}[${i}]`, out));
    return;
  }
  if (schema.type !== "object" || typeof value !== "object" || Array.isArray(value)) return;
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    violations(value[name], prop, `${path}.${name}`, out);
  }
  for (const rule of schema["x-kubernetes-validations"] ?? []) {
    let ok;
    try {
      ok = run(rule.rule, { self: toCel(value) });
    } catch (e) {
      throw new Error(`CEL rule failed to evaluate at ${path}: ${rule.rule}\n${e}`);
    }
    if (ok !== true && ok !== false) throw new Error(`CEL rule did not return a bool at ${path}: ${rule.rule} -> ${ok}`);
    if (!ok) out.push(`${path}${rule.fieldPath ?? ""}: ${rule.message}`);
  }
}

const celMessages = new Set();
for (const s of schemas.values()) {
  const walk = (n) => {
    if (!n || typeof n !== "object") return;
    for (const r of n["x-kubernetes-validations"] ?? []) celMessages.add(r.message);
    Object.values(n.properties ?? {}).forEach(walk);
    if (n.items) walk(n.items);
  };
  walk(s);
}

const files = [];
for (const dir of ["valid", "invalid"]) {
  for (const f of readdirSync(join(root, "tests", "fixtures", dir)).sort()) {
    if (/\.(ya?ml|json)$/.test(f)) files.push(join(root, "tests", "fixtures", dir, f));
  }
}
files.push(join(here, "cases.yaml"));

let failures = 0;
let compared = 0;
let rulesFired = 0;
for (const file of files) {
  const report = JSON.parse(
    (() => {
      try {
        return execFileSync(kaos, ["validate", "-o", "json", "-f", file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      } catch (e) {
        return e.stdout; // exit status 1 on invalid manifests
      }
    })(),
  );
  const docs = parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS());
  const objects = docs.flatMap((d) => (d && d.kind === "List" ? d.items : [d])).filter((d) => d);
  objects.forEach((obj, i) => {
    const schema = schemas.get(obj.kind);
    const entry = report.resources[i];
    if (!schema || !obj.spec || !entry || entry.kind !== obj.kind) return;
    // kaos skips rules of an object with type errors, and CEL cannot read a missing required
    // field (the API server reports the missing field): compare only schema-clean objects.
    const structural = entry.diagnostics.some((d) => /^(unknown field|expected |required$)/.test(d.message));
    if (structural) return;
    const spec = structuredClone(obj.spec);
    applyDefaults(spec, schema.properties.spec);
    const fromCel = [];
    violations(spec, schema.properties.spec, "spec", fromCel);
    const fromKaos = entry.diagnostics
      .filter((d) => d.severity === "error" && celMessages.has(d.message))
      .map((d) => `${d.path}: ${d.message}`);
    compared++;
    rulesFired += fromCel.length;
    const a = [...fromCel].sort().join("\n");
    const b = [...fromKaos].sort().join("\n");
    if (a !== b) {
      failures++;
      console.error(`MISMATCH ${file} ${obj.kind}/${obj.metadata?.name}\n  CEL:  ${a || "(none)"}\n  kaos: ${b || "(none)"}`);
    }
  });
}
console.log(`${compared} objects compared, ${rulesFired} rule violations found by CEL, ${failures} mismatches`);
if (compared < 30 || rulesFired < 15) {
  console.error("too few objects or violations compared: is KAOS_BIN right?");
  process.exit(1);
}
process.exit(failures ? 1 : 0);
