"""Per-kind behaviour on create and update: the defaults and checks of the built-in kinds the
stand-in models (only those our clients rely on), and schema processing for custom resources."""
import base64
import itertools

from . import schema as crd_schema
from .errors import ApiError, bad_request, invalid

_cluster_ips = itertools.count(10)


def _name_causes(name):
    import re
    if not re.fullmatch(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?", name or "") or len(name) > 253:
        return [{"reason": "FieldValueInvalid", "field": "metadata.name",
                 "message": f'Invalid value: "{name}": a lowercase RFC 1123 subdomain must consist of '
                            f"lower case alphanumeric characters, '-' or '.', and must start and end "
                            f"with an alphanumeric character"}]
    return []


def _metadata_causes(meta):
    """The shapes the real server's decoder enforces on ObjectMeta (so nothing later trips)."""
    causes = []
    for field in ("labels", "annotations"):
        v = meta.get(field)
        if v is not None and (not isinstance(v, dict) or
                              not all(isinstance(k, str) and isinstance(x, str) for k, x in v.items())):
            causes.append({"reason": "FieldValueInvalid", "field": f"metadata.{field}",
                           "message": "Invalid value: must be a map of strings to strings"})
    fins = meta.get("finalizers")
    if fins is not None and (not isinstance(fins, list) or not all(isinstance(f, str) and f for f in fins)):
        causes.append({"reason": "FieldValueInvalid", "field": "metadata.finalizers",
                       "message": "Invalid value: must be a list of non-empty strings"})
    refs = meta.get("ownerReferences")
    if refs is not None:
        if not isinstance(refs, list):
            refs = [None]
        for i, r in enumerate(refs):
            if not isinstance(r, dict):
                causes.append({"reason": "FieldValueInvalid", "field": f"metadata.ownerReferences[{i}]",
                               "message": "Invalid value: must be an object"})
                continue
            for f in ("apiVersion", "kind", "name", "uid"):
                if not isinstance(r.get(f), str) or not r.get(f):
                    causes.append({"reason": "FieldValueRequired",
                                   "field": f"metadata.ownerReferences[{i}].{f}", "message": "Required value"})
    return causes


def prepare(rtype, obj, old, params):
    """Defaults and validates obj in place. Returns warnings (unknown fields under Warn).
    Raises 422 Invalid, or 400 for unknown fields under fieldValidation=Strict."""
    name = obj["metadata"].get("name", "")
    causes = (_name_causes(name) if old is None else []) + _metadata_causes(obj["metadata"])
    warnings = []
    if rtype.crd:
        c, unknown = crd_schema.process_custom_resource(rtype.schema, obj)
        causes += c
        mode = params.get("fieldValidation") or "Warn"  # the server default since 1.27
        if unknown and mode == "Strict":
            raise bad_request("strict decoding error: " + ", ".join(f'unknown field "{u}"' for u in unknown))
        if unknown and mode == "Warn":
            warnings = [f'unknown field "{u}"' for u in unknown]
    else:
        fn = _BUILTIN.get((rtype.group, rtype.plural))
        if fn:
            causes += fn(obj, old)
    if causes:
        raise invalid(rtype.group, rtype.plural, rtype.kind, name, causes)
    return warnings


def _deployment(obj, old):
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    spec.setdefault("strategy", {"type": "RollingUpdate",
                                 "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}})
    causes = []
    sel = (spec.get("selector") or {}).get("matchLabels")
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    if not spec.get("selector"):
        causes.append({"reason": "FieldValueRequired", "field": "spec.selector", "message": "Required value"})
    elif sel and any(labels.get(k) != v for k, v in sel.items()):
        causes.append({"reason": "FieldValueInvalid", "field": "spec.template.metadata.labels",
                       "message": f"Invalid value: {labels}: `selector` does not match template `labels`"})
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers")
    if not containers:
        causes.append({"reason": "FieldValueRequired", "field": "spec.template.spec.containers",
                       "message": "Required value"})
    for i, c in enumerate(containers or []):
        if not c.get("name"):
            causes.append({"reason": "FieldValueRequired", "field": f"spec.template.spec.containers[{i}].name",
                           "message": "Required value"})
        if not c.get("image"):
            causes.append({"reason": "FieldValueRequired", "field": f"spec.template.spec.containers[{i}].image",
                           "message": "Required value"})
    if old is not None and old.get("spec", {}).get("selector") != spec.get("selector"):
        causes.append({"reason": "FieldValueInvalid", "field": "spec.selector",
                       "message": "field is immutable"})
    obj.setdefault("status", {})
    return causes


def _service(obj, old):
    spec = obj.setdefault("spec", {})
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if old is not None and "clusterIP" in (old.get("spec") or {}):
        spec.setdefault("clusterIP", old["spec"]["clusterIP"])
    elif spec.get("clusterIP") != "None":
        n = next(_cluster_ips)
        spec.setdefault("clusterIP", f"10.96.{n // 250}.{n % 250 + 1}")
    if spec.get("clusterIP") and spec["clusterIP"] != "None":
        spec.setdefault("clusterIPs", [spec["clusterIP"]])
    causes = []
    for i, p in enumerate(spec.get("ports") or []):
        p.setdefault("protocol", "TCP")
        if "port" not in p:
            causes.append({"reason": "FieldValueRequired", "field": f"spec.ports[{i}].port",
                           "message": "Required value"})
        else:
            p.setdefault("targetPort", p["port"])
    obj.setdefault("status", {"loadBalancer": {}})
    return causes


def _secret(obj, old):
    string_data = obj.pop("stringData", None) or {}
    data = obj.setdefault("data", {}) if string_data else obj.get("data")
    for k, v in string_data.items():
        data[k] = base64.b64encode(str(v).encode()).decode()
    obj.setdefault("type", "Opaque")
    causes = []
    for k, v in (obj.get("data") or {}).items():
        try:
            base64.b64decode(v, validate=True)
        except Exception:
            causes.append({"reason": "FieldValueInvalid", "field": f"data[{k}]",
                           "message": "Invalid value: illegal base64 data"})
    return causes


def _namespace(obj, old):
    obj.setdefault("spec", {"finalizers": ["kubernetes"]})
    status = obj.setdefault("status", {})
    status.setdefault("phase", "Active")
    obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = obj["metadata"]["name"]
    return []


def _crd(obj, old):
    spec = obj.get("spec") or {}
    names = spec.get("names") or {}
    causes = []
    for f in ("group", "scope"):
        if not spec.get(f):
            causes.append({"reason": "FieldValueRequired", "field": f"spec.{f}", "message": "Required value"})
    for f in ("plural", "kind"):
        if not names.get(f):
            causes.append({"reason": "FieldValueRequired", "field": f"spec.names.{f}",
                           "message": "Required value"})
    if names.get("plural") and spec.get("group") and \
            obj["metadata"].get("name") != f"{names['plural']}.{spec['group']}":
        causes.append({"reason": "FieldValueInvalid", "field": "metadata.name",
                       "message": f"Invalid value: \"{obj['metadata'].get('name')}\": must be spec.names.plural"
                                  f"+\".\"+spec.group"})
    versions = spec.get("versions") or []
    if not versions:
        causes.append({"reason": "FieldValueRequired", "field": "spec.versions", "message": "Required value"})
    if versions and sum(1 for v in versions if v.get("storage")) != 1:
        causes.append({"reason": "FieldValueInvalid", "field": "spec.versions",
                       "message": "Invalid value: must have exactly one version marked as storage version"})
    names.setdefault("singular", (names.get("kind") or "").lower())
    names.setdefault("listKind", f"{names.get('kind', '')}List")
    obj["status"] = {
        "acceptedNames": dict(names),
        "storedVersions": [v["name"] for v in versions if v.get("storage")],
        "conditions": [
            {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts",
             "message": "no conflicts found", "lastTransitionTime": obj["metadata"].get("creationTimestamp")},
            {"type": "Established", "status": "True", "reason": "InitialNamesAccepted",
             "message": "the initial names have been accepted",
             "lastTransitionTime": obj["metadata"].get("creationTimestamp")},
        ],
    }
    return causes


def _lease(obj, old):
    causes = []
    d = (obj.get("spec") or {}).get("leaseDurationSeconds")
    if d is not None and (not isinstance(d, int) or d <= 0):
        causes.append({"reason": "FieldValueInvalid", "field": "spec.leaseDurationSeconds",
                       "message": f"Invalid value: {d}: must be greater than 0"})
    return causes


_BUILTIN = {
    ("apps", "deployments"): _deployment,
    ("", "services"): _service,
    ("", "secrets"): _secret,
    ("", "namespaces"): _namespace,
    ("apiextensions.k8s.io", "customresourcedefinitions"): _crd,
    ("coordination.k8s.io", "leases"): _lease,
}


def check_kind(rtype, obj):
    if not isinstance(obj, dict):
        raise bad_request("the body of the request must be a JSON object")
    kind, api_version = obj.get("kind"), obj.get("apiVersion")
    if kind and kind != rtype.kind:
        raise bad_request(f"the kind of the provided object ({kind}) does not match the resource "
                          f"({rtype.kind})")
    if api_version and api_version != rtype.api_version:
        raise bad_request(f"the API version in the data ({api_version}) does not match the expected "
                          f"API version ({rtype.api_version})")
    meta = obj.get("metadata", {})
    if not isinstance(meta, dict):
        raise ApiError(400, "BadRequest", "metadata must be an object")
    for f in ("name", "namespace", "generateName", "resourceVersion", "uid"):
        if f in meta and meta[f] is not None and not isinstance(meta[f], str):
            raise bad_request(f"json: cannot unmarshal {type(meta[f]).__name__} into Go struct field "
                              f"ObjectMeta.metadata.{f} of type string")
    if meta.get("generation") is not None and not isinstance(meta["generation"], int):
        raise bad_request("json: cannot unmarshal into Go struct field ObjectMeta.metadata.generation of type int64")
