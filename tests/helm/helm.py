"""`helm template` for our chart, on gotemplate.py: Chart.yaml, values.yaml merged with
overrides, .Release/.Chart/.Values/.Template, every template file parsed into one set (so
defines are shared), the non-partial ones rendered in file-name order, "<no value>" blanked,
the output split into YAML documents; the crds/ folder's documents alongside, as Helm
installs them.

Numbers of values files become float64 in Helm (its YAML goes through JSON), so they become
floats here: a template that prints or passes them as Go would do with a float64 fails the same
way."""
import copy
import os
import re

import yaml

from gotemplate import Template


def _floats(v):
    if isinstance(v, dict):
        return {k: _floats(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_floats(x) for x in v]
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    return v


def merge_values(base, overrides):
    """Helm's coalescing of a values file over the chart's: maps merge deeply, anything else
    replaces, and null removes the key."""
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_values(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _documents(text):
    return [d for d in yaml.safe_load_all(text) if d]


def render_chart(chart_dir, release_name="kaos-operator", namespace="default", values=None):
    """(crd documents, template documents as [(file, object)]) of the chart."""
    with open(os.path.join(chart_dir, "Chart.yaml")) as f:
        chart = yaml.safe_load(f)
    with open(os.path.join(chart_dir, "values.yaml")) as f:
        defaults = yaml.safe_load(f) or {}
    chart_object = {"Name": chart["name"], "Version": chart["version"], "AppVersion": chart.get("appVersion", ""),
                    "Description": chart.get("description", ""), "Type": chart.get("type", "application"),
                    "APIVersion": chart["apiVersion"]}
    data = {
        "Values": _floats(merge_values(defaults, values or {})),
        "Release": {"Name": release_name, "Namespace": namespace, "Service": "Helm", "IsInstall": True,
                    "IsUpgrade": False, "Revision": 1},
        "Chart": chart_object,
    }
    templates_dir = os.path.join(chart_dir, "templates")
    names = sorted(n for n in os.listdir(templates_dir) if n.endswith((".yaml", ".tpl")))
    t = Template()
    for name in names:
        with open(os.path.join(templates_dir, name)) as f:
            t.add(name, f.read())
    rendered = []
    for name in names:
        if name.startswith("_"):
            continue
        data["Template"] = {"Name": f"{chart['name']}/templates/{name}", "BasePath": f"{chart['name']}/templates"}
        text = t.render(name, data).replace("<no value>", "")
        for doc in re.split(r"(?m)^---[ \t]*$", text):
            rendered.extend((name, obj) for obj in _documents(doc))
    crds = []
    crds_dir = os.path.join(chart_dir, "crds")
    for name in sorted(os.listdir(crds_dir)) if os.path.isdir(crds_dir) else []:
        with open(os.path.join(crds_dir, name)) as f:
            crds.extend(_documents(f.read()))
    return crds, rendered
