"""Parsing a request path into (resource type, namespace, name, subresource)."""
import urllib.parse
from dataclasses import dataclass

from .errors import page_not_found


@dataclass
class Target:
    rtype: object
    namespace: str
    name: str
    subresource: str
    rest: str = ""  # after /proxy/ for the service proxy


def parse(registry, path):
    """None for discovery paths; a Target for resource paths; raises 404 for unknown ones."""
    parts = [urllib.parse.unquote(p) for p in path.split("/") if p]
    if parts[:2] == ["api", "v1"]:
        group, version, rest = "", "v1", parts[2:]
    elif len(parts) >= 3 and parts[0] == "apis":
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        raise page_not_found(path)
    if not rest:
        return None
    ns = ""
    if rest[0] == "namespaces" and len(rest) >= 3 and not (group == "" and rest[2] in ("status", "finalize")):
        ns, rest = rest[1], rest[2:]
    plural, name, sub, tail = rest[0], "", "", ""
    if len(rest) >= 2:
        name = rest[1]
    if len(rest) >= 3:
        sub = rest[2]
        tail = "/".join(rest[3:])
    rtype = registry.find(group, version, plural)
    if rtype is None:
        raise page_not_found(path)
    if ns and not rtype.namespaced:
        raise page_not_found(path)
    if sub and sub not in ("status", "proxy", "finalize", "scale"):
        raise page_not_found(path)
    if sub == "status" and not rtype.status_subresource and rtype.plural != "namespaces":
        raise page_not_found(path)
    if sub == "scale" and rtype.key != ("apps", "deployments"):
        raise page_not_found(path)
    if sub == "proxy" and rtype.plural != "services":
        raise page_not_found(path)
    if path.endswith("/") and sub == "proxy":
        tail += "/"
    return Target(rtype, ns, name, sub, tail)
