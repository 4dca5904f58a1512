#!/usr/bin/python3
"""Reports fields the Kubernetes API does not define, in Deployment, Service and ConfigMap objects.

The OpenAPI-derived validators (kubernetes-models) accept unknown fields, as Kubernetes' schemas
do; the API server would prune or, with fieldValidation=Strict, reject them. This walks each
object along the official Python client's generated models (openapi_types / attribute_map, the
same OpenAPI spec) and names every key no model declares. Reads a JSON array of objects on
stdin; prints a JSON array of "Kind/name: path" strings.
"""
import json
import re
import sys

import kubernetes.client as k8s

MODELS = {"Deployment": k8s.V1Deployment, "Service": k8s.V1Service, "ConfigMap": k8s.V1ConfigMap}


def walk(value, type_name, path, out):
    if value is None:
        return
    m = re.fullmatch(r"list\[(.+)\]", type_name)
    if m:
        for i, item in enumerate(value if isinstance(value, list) else []):
            walk(item, m.group(1), f"{path}[{i}]", out)
        return
    m = re.fullmatch(r"dict\(str, (.+)\)", type_name)
    if m:
        for key, item in (value if isinstance(value, dict) else {}).items():
            walk(item, m.group(1), f"{path}.{key}", out)
        return
    model = getattr(k8s, type_name, None)
    if model is None or not hasattr(model, "attribute_map") or not isinstance(value, dict):
        return  # a scalar, object (int-or-string, quantity) or free-form field
    by_json = {json_key: attr for attr, json_key in model.attribute_map.items()}
    for key, item in value.items():
        if key not in by_json:
            out.append(f"{path}.{key}" if path else key)
            continue
        walk(item, model.openapi_types[by_json[key]], f"{path}.{key}" if path else key, out)


def main():
    problems = []
    for obj in json.load(sys.stdin):
        model = MODELS.get(obj.get("kind"))
        found = []
        if model is None:
            found.append("(kind not covered)")
        else:
            walk(obj, model.__name__, "", found)
        name = obj.get("metadata", {}).get("name")
        problems += [f"{obj.get('kind')}/{name}: {p}" for p in found]
    json.dump(problems, sys.stdout)


if __name__ == "__main__":
    main()
