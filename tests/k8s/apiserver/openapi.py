"""A minimal OpenAPI v3 discovery: the root lists each group-version, and each group-version
document has the item path of every resource with a PATCH operation tagged with its
group-version-kind and a `fieldValidation` parameter. kubectl reads exactly this to learn that
the server validates fields itself (so it skips client-side validation)."""


def root(registry):
    paths = {}
    for t in registry.all():
        gv = f"apis/{t.group}/{t.version}" if t.group else "api/v1"
        paths[gv] = {"serverRelativeURL": f"/openapi/v3/{gv}?hash=standin"}
    return {"paths": paths}


_PARAMS = [{"name": n, "in": "query", "schema": {"type": "string", "uniqueItems": True}}
           for n in ("dryRun", "fieldManager", "fieldValidation", "force", "pretty")]


def group_version(registry, group, version):
    types = [t for t in registry.all() if t.group == group and t.version == version]
    if not types:
        return None
    paths, schemas = {}, {}
    for t in types:
        prefix = f"/apis/{group}/{version}" if group else "/api/v1"
        scope = "/namespaces/{namespace}" if t.namespaced else ""
        gvk = [{"group": group, "version": version, "kind": t.kind}]
        op = {"x-kubernetes-group-version-kind": gvk[0], "x-kubernetes-action": "patch",
              "parameters": _PARAMS, "responses": {"200": {"description": "OK"}}}
        paths[f"{prefix}{scope}/{t.plural}/{{name}}"] = {"patch": op, "put": dict(op, **{"x-kubernetes-action": "put"})}
        paths[f"{prefix}{scope}/{t.plural}"] = {"post": dict(op, **{"x-kubernetes-action": "post"})}
        schema = dict(t.schema) if t.schema else {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
        schema["x-kubernetes-group-version-kind"] = gvk
        schemas[f"{group or 'core'}.{version}.{t.kind}"] = schema
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes (kaos stand-in)", "version": "v1.32.0"},
            "paths": paths, "components": {"schemas": schemas}}
