"""The resource types the stand-in serves: the built-in kinds our operator uses, and custom
resources registered by CRDs. Discovery documents are built from this table."""
from dataclasses import dataclass, field

ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


@dataclass
class ResourceType:
    group: str
    version: str
    plural: str
    singular: str
    kind: str
    namespaced: bool
    short_names: list = field(default_factory=list)
    status_subresource: bool = False
    tracks_generation: bool = False
    crd: bool = False
    schema: dict | None = None  # openAPIV3Schema of a custom resource
    categories: list = field(default_factory=list)

    @property
    def api_version(self):
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def key(self):
        return (self.group, self.plural)

    def resource_entries(self):
        entry = {
            "name": self.plural,
            "singularName": self.singular,
            "namespaced": self.namespaced,
            "kind": self.kind,
            "verbs": ALL_VERBS,
        }
        if self.short_names:
            entry["shortNames"] = list(self.short_names)
        if self.categories:
            entry["categories"] = list(self.categories)
        out = [entry]
        if self.status_subresource:
            out.append({"name": f"{self.plural}/status", "singularName": "", "namespaced": self.namespaced,
                        "kind": self.kind, "verbs": ["get", "patch", "update"]})
        return out


BUILTINS = [
    ResourceType("", "v1", "namespaces", "namespace", "Namespace", False, ["ns"]),
    ResourceType("", "v1", "configmaps", "configmap", "ConfigMap", True, ["cm"]),
    ResourceType("", "v1", "secrets", "secret", "Secret", True),
    ResourceType("", "v1", "services", "service", "Service", True, ["svc"], status_subresource=True,
                 categories=["all"]),
    ResourceType("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", True, ["sa"]),
    ResourceType("", "v1", "events", "event", "Event", True, ["ev"]),
    ResourceType("apps", "v1", "deployments", "deployment", "Deployment", True, ["deploy"],
                 status_subresource=True, tracks_generation=True, categories=["all"]),
    ResourceType("coordination.k8s.io", "v1", "leases", "lease", "Lease", True),
    ResourceType("events.k8s.io", "v1", "events", "event", "Event", True, ["ev"]),
    ResourceType("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
                 "CustomResourceDefinition", False, ["crd", "crds"], status_subresource=True,
                 tracks_generation=True),
    ResourceType("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", False),
    ResourceType("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding",
                 "ClusterRoleBinding", False),
    ResourceType("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", True),
    ResourceType("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", True),
]


def crd_types(crd):
    """The ResourceTypes a CRD object registers (one per served version)."""
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    out = []
    for ver in spec.get("versions") or []:
        if not ver.get("served", True):
            continue
        out.append(ResourceType(
            group=spec.get("group", ""), version=ver.get("name", ""), plural=names.get("plural", ""),
            singular=names.get("singular") or names.get("kind", "").lower(), kind=names.get("kind", ""),
            namespaced=spec.get("scope", "Namespaced") == "Namespaced",
            short_names=names.get("shortNames") or [], categories=names.get("categories") or [],
            status_subresource="status" in ((ver.get("subresources") or {})),
            tracks_generation=True, crd=True,
            schema=(ver.get("schema") or {}).get("openAPIV3Schema")))
    return out


class Registry:
    """Resource types by (group, version, plural); built-ins plus established CRDs."""

    def __init__(self):
        self.builtin = list(BUILTINS)
        self.custom = {}  # crd name -> [ResourceType]

    def all(self):
        out = list(self.builtin)
        for types in self.custom.values():
            out.extend(types)
        return out

    def find(self, group, version, plural):
        for t in self.all():
            if t.group == group and t.version == version and t.plural == plural:
                return t
        return None

    def versions_of(self, group):
        seen = []
        for t in self.all():
            if t.group == group and t.version not in seen:
                seen.append(t.version)
        return seen

    def groups(self):
        seen = []
        for t in self.all():
            if t.group and t.group not in seen:
                seen.append(t.group)
        return seen

    def register_crd(self, crd):
        self.custom[crd["metadata"]["name"]] = crd_types(crd)

    def unregister_crd(self, name):
        self.custom.pop(name, None)

    # discovery documents
    def api_versions(self):
        return {"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}

    def api_group_list(self):
        groups = []
        for g in self.groups():
            versions = [{"groupVersion": f"{g}/{v}", "version": v} for v in self.versions_of(g)]
            groups.append({"name": g, "versions": versions, "preferredVersion": versions[0]})
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}

    def api_group(self, group):
        versions = [{"groupVersion": f"{group}/{v}", "version": v} for v in self.versions_of(group)]
        if not versions:
            return None
        return {"kind": "APIGroup", "apiVersion": "v1", "name": group, "versions": versions,
                "preferredVersion": versions[0]}

    def resource_list(self, group, version):
        types = [t for t in self.all() if t.group == group and t.version == version]
        if not types:
            return None
        resources = []
        for t in types:
            resources.extend(t.resource_entries())
        return {"kind": "APIResourceList", "apiVersion": "v1",
                "groupVersion": f"{group}/{version}" if group else version, "resources": resources}
