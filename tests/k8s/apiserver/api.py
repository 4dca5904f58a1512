"""The API verbs over the store: create, get, list (selectors, limit/continue), update (PUT,
optimistic concurrency), patch (merge, JSON, strategic, apply), delete (finalizers,
deletionTimestamp, propagation policies, owner-reference garbage collection, namespace
contents). Each returns a JSON-able body or raises ApiError."""
import base64
import binascii
import copy
import json
import uuid

import yaml

from . import kinds, managed
from .errors import ApiError, already_exists, apply_conflict, bad_request, conflict, gone, query_bool, \
    invalid, not_found, unsupported_media_type
from .patches import json_patch, merge_patch, strategic_merge
from .select import parse_fields, parse_labels

NS_KEY = ("", "namespaces")
CRD_KEY = ("apiextensions.k8s.io", "customresourcedefinitions")


def _strip_times(obj):
    o = copy.deepcopy(obj)
    meta = o.get("metadata") or {}
    meta.pop("resourceVersion", None)
    for e in meta.get("managedFields") or []:
        e.pop("time", None)
    return o


def _spec_part(obj):
    return {k: v for k, v in obj.items() if k not in ("metadata", "status")}


class Api:
    def __init__(self, store, registry):
        self.store = store
        self.registry = registry

    # -- helpers ---------------------------------------------------------------------------

    def _stamp(self, obj, rtype):
        obj["apiVersion"] = rtype.api_version
        obj["kind"] = rtype.kind
        obj["metadata"]["resourceVersion"] = str(self.store.next_rv())

    def _require_namespace(self, rtype, ns):
        if rtype.namespaced and self.store.get(NS_KEY, "", ns) is None:
            raise not_found("", "namespaces", ns)

    def _existing(self, rtype, ns, name):
        obj = self.store.get(rtype.key, ns if rtype.namespaced else "", name)
        if obj is None:
            raise not_found(rtype.group, rtype.plural, name)
        return obj

    def _dry_run(self, params):
        v = params.get("dryRun")
        if v and v != "All":
            raise bad_request(f'dryRun: Unsupported value: "{v}": supported values: "All"')
        return v == "All"

    # -- create ----------------------------------------------------------------------------

    def create(self, rtype, ns, body, params, manager, from_apply=False):
        kinds.check_kind(rtype, body)
        obj = copy.deepcopy(body)
        meta = obj.setdefault("metadata", {})
        with self.store.lock:
            if rtype.namespaced:
                if meta.get("namespace") and meta["namespace"] != ns:
                    raise bad_request("the namespace of the provided object does not match the namespace "
                                      "sent on the request")
                meta["namespace"] = ns
                self._require_namespace(rtype, ns)
                ns_obj = self.store.get(NS_KEY, "", ns)
                if ns_obj.get("metadata", {}).get("deletionTimestamp"):
                    raise ApiError(403, "Forbidden", f'{rtype.plural} "{meta.get("name", "")}" is forbidden: '
                                   f"unable to create new content in namespace {ns} because it is being "
                                   f"terminated")
            else:
                meta.pop("namespace", None)
            if not meta.get("name"):
                if meta.get("generateName"):
                    meta["name"] = meta["generateName"] + uuid.uuid4().hex[:5]
                else:
                    raise invalid(rtype.group, rtype.plural, rtype.kind, "",
                                  [{"reason": "FieldValueRequired", "field": "metadata.name",
                                    "message": "name or generateName is required"}])
            name = meta["name"]
            self.store.count_write(rtype.key)
            if self.store.get(rtype.key, meta.get("namespace", ""), name) is not None:
                raise already_exists(rtype.group, rtype.plural, name)
            for k in ("uid", "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds"):
                meta.pop(k, None)
            if rtype.status_subresource and not from_apply:
                obj.pop("status", None)
            meta["uid"] = str(uuid.uuid4())
            meta["creationTimestamp"] = managed.now()
            if rtype.tracks_generation:
                meta["generation"] = 1
            else:
                meta.pop("generation", None)
            warnings = kinds.prepare(rtype, obj, None, params)
            if not from_apply:
                meta.pop("managedFields", None)
                managed.record_update(None, obj, manager, rtype, "")
            if self._dry_run(params):
                obj["apiVersion"], obj["kind"] = rtype.api_version, rtype.kind
                return obj, warnings
            self._stamp(obj, rtype)
            if rtype.key == CRD_KEY:
                self.registry.register_crd(obj)
            self.store.put(rtype.key, obj, "ADDED")
            return copy.deepcopy(obj), warnings

    # -- read ------------------------------------------------------------------------------

    def get(self, rtype, ns, name):
        with self.store.lock:
            return copy.deepcopy(self._existing(rtype, ns, name))

    def list(self, rtype, ns, params):
        labels = parse_labels(params.get("labelSelector", ""))
        fields = parse_fields(params.get("fieldSelector", ""))
        try:
            limit = int(params.get("limit") or 0)
        except ValueError:
            raise bad_request(f"limit: invalid value {params.get('limit')!r}")
        with self.store.lock:
            start_after, list_rv = None, self.store.rv
            token = params.get("continue")
            if token:
                try:
                    t = json.loads(base64.urlsafe_b64decode(token.encode()))
                    start_after, list_rv = tuple(t["start"]), int(t["rv"])
                except (ValueError, KeyError, TypeError, binascii.Error):
                    raise bad_request("continue key is not valid: incorrect encoded start resourceVersion")
                if list_rv < self.store.compacted_rv:
                    raise gone("The provided continue parameter is too old to display a consistent list "
                               "result. You can start a new list without the continue parameter.")
            items = [(k, o) for k, o in self.store.bucket(rtype.key).items()
                     if (not rtype.namespaced or not ns or k[0] == ns)
                     and labels((o.get("metadata") or {}).get("labels")) and fields(o)]
            items.sort(key=lambda kv: kv[0])
            if start_after is not None:
                items = [kv for kv in items if kv[0] > start_after]
            meta = {"resourceVersion": str(list_rv)}
            if limit > 0 and len(items) > limit:
                rest = len(items) - limit
                items = items[:limit]
                meta["continue"] = base64.urlsafe_b64encode(json.dumps(
                    {"rv": list_rv, "start": list(items[-1][0])}).encode()).decode()
                meta["remainingItemCount"] = rest
            return {"kind": f"{rtype.kind}List", "apiVersion": rtype.api_version, "metadata": meta,
                    "items": [copy.deepcopy(o) for _, o in items]}

    # -- update and patch ------------------------------------------------------------------

    def update(self, rtype, ns, name, body, params, manager, subresource=""):
        kinds.check_kind(rtype, body)
        meta = body.get("metadata") or {}
        if meta.get("name") and meta["name"] != name:
            raise bad_request(f'the name of the object ({meta["name"]}) does not match the name on the URL '
                              f"({name})")
        with self.store.lock:
            self.store.count_write(rtype.key)
            old = self._existing(rtype, ns, name)
            rv = meta.get("resourceVersion")
            if rv and rv != old["metadata"]["resourceVersion"]:
                raise conflict(rtype.group, rtype.plural, name, "the object has been modified; please apply "
                               "your changes to the latest version and try again")
            if not rv and rtype.crd:
                raise invalid(rtype.group, rtype.plural, rtype.kind, name,
                              [{"reason": "FieldValueInvalid", "field": "metadata.resourceVersion",
                                "message": "Invalid value: 0x0: must be specified for an update"}])
            return self._commit_update(rtype, old, copy.deepcopy(body), params, manager, subresource)

    def patch(self, rtype, ns, name, raw, content_type, params, manager, subresource=""):
        """Returns (object, warnings, created): apply creates an absent object."""
        ctype = (content_type or "").split(";")[0].strip()
        if ctype == "application/apply-patch+yaml":
            return self._apply(rtype, ns, name, raw, params, subresource)
        try:
            patch = json.loads(raw or b"null")
        except ValueError as e:
            raise bad_request(f"error decoding patch: {e}")
        with self.store.lock:
            self.store.count_write(rtype.key)
            old = self._existing(rtype, ns, name)
            if ctype == "application/merge-patch+json":
                if not isinstance(patch, dict):
                    raise bad_request("a merge patch must be a JSON object")
                new = merge_patch(old, patch)
            elif ctype == "application/strategic-merge-patch+json":
                if rtype.crd:
                    raise unsupported_media_type(ctype)
                if not isinstance(patch, dict):
                    raise bad_request("a strategic merge patch must be a JSON object")
                new = strategic_merge(old, patch, rtype)
            elif ctype == "application/json-patch+json":
                new = json_patch(old, patch)
            else:
                raise unsupported_media_type(ctype)
            kinds.check_kind(rtype, new)
            want_rv = ((patch.get("metadata") or {}) if isinstance(patch, dict) else {}).get("resourceVersion")
            if want_rv and want_rv != old["metadata"]["resourceVersion"]:
                raise conflict(rtype.group, rtype.plural, name, "the object has been modified; please apply "
                               "your changes to the latest version and try again")
            return self._commit_update(rtype, old, new, params, manager, subresource) + (False,)

    def _apply(self, rtype, ns, name, raw, params, subresource):
        manager = params.get("fieldManager")
        if not manager:
            raise bad_request("PATCH, application/apply-patch+yaml: fieldManager is required for apply requests")
        try:
            # JSON is YAML (what our client and kubectl send): json parses it ~100x faster than
            # PyYAML's pure-Python loader, which made apply the stand-in's slowest verb.
            applied = json.loads(raw or b"null")
        except ValueError:
            try:
                applied = yaml.safe_load(raw or b"")
            except yaml.YAMLError as e:
                raise bad_request(f"error decoding YAML: {e}")
        if not isinstance(applied, dict):
            raise bad_request("an apply configuration must be an object")
        kinds.check_kind(rtype, applied)
        if not applied.get("apiVersion") or not applied.get("kind"):
            raise bad_request("apiVersion and kind must be set in an apply configuration")
        meta = applied.setdefault("metadata", {})
        if not isinstance(meta, dict) or meta.get("name", name) != name:
            raise bad_request("the name of the object does not match the name on the URL")
        meta["name"] = name
        if rtype.namespaced and meta.get("namespace", ns) != ns:
            raise bad_request("the namespace of the provided object does not match the namespace sent on the "
                              "request")
        force = query_bool(params, "force")
        with self.store.lock:
            old = self.store.get(rtype.key, ns if rtype.namespaced else "", name)
            if old is None:
                if subresource:
                    raise not_found(rtype.group, rtype.plural, name)
                obj, conflicts = managed.apply(None, applied, manager, force, rtype, subresource)
                return self.create(rtype, ns, obj, params, manager, from_apply=True) + (True,)
            self.store.count_write(rtype.key)
            rv = meta.get("resourceVersion")
            if rv and rv != old["metadata"]["resourceVersion"]:
                raise conflict(rtype.group, rtype.plural, name, "the object has been modified; please apply "
                               "your changes to the latest version and try again")
            new, conflicts = managed.apply(old, applied, manager, force, rtype, subresource)
            if conflicts:
                raise apply_conflict(rtype.group, rtype.plural, name, conflicts)
            return self._commit_update(rtype, old, new, params, manager, subresource, from_apply=True) + (False,)

    def _commit_update(self, rtype, old, new, params, manager, subresource, from_apply=False):
        name = old["metadata"]["name"]
        if subresource == "status":
            merged = copy.deepcopy(old)
            if "status" in new:
                merged["status"] = new["status"]
            else:
                merged.pop("status", None)
            if from_apply:
                merged["metadata"]["managedFields"] = new["metadata"].get("managedFields", [])
            new = merged
        elif rtype.status_subresource:
            if "status" in old:
                new["status"] = copy.deepcopy(old["status"])
            else:
                new.pop("status", None)
        meta = new.setdefault("metadata", {})
        old_meta = old["metadata"]
        for k in ("uid", "creationTimestamp", "namespace", "name", "deletionTimestamp",
                  "deletionGracePeriodSeconds", "generation"):
            if k in old_meta:
                meta[k] = old_meta[k]
            else:
                meta.pop(k, None)
        meta["resourceVersion"] = old_meta["resourceVersion"]
        if old_meta.get("deletionTimestamp"):
            added = set(meta.get("finalizers") or []) - set(old_meta.get("finalizers") or [])
            if added:
                raise invalid(rtype.group, rtype.plural, rtype.kind, name,
                              [{"reason": "FieldValueForbidden", "field": "metadata.finalizers",
                                "message": "Forbidden: no new finalizers can be added if the object is being "
                                           "deleted, found new finalizers " + json.dumps(sorted(added))}])
        warnings = kinds.prepare(rtype, new, old, params)
        if not from_apply:
            managed.record_update(old, new, manager, rtype, subresource)
        if rtype.tracks_generation and _spec_part(new) != _spec_part(old):
            meta["generation"] = old_meta.get("generation", 1) + 1
        new["apiVersion"], new["kind"] = rtype.api_version, rtype.kind
        if _strip_times(new) == _strip_times(old):
            return copy.deepcopy(old), warnings  # a no-op: no new resourceVersion, no event
        if self._dry_run(params):
            return new, warnings
        if meta.get("deletionTimestamp") and not meta.get("finalizers"):
            self._stamp(new, rtype)
            self._remove(rtype, new)
            return copy.deepcopy(new), warnings
        self._stamp(new, rtype)
        if rtype.key == CRD_KEY:
            self.registry.register_crd(new)
        self.store.put(rtype.key, new, "MODIFIED")
        self.sweep()
        return copy.deepcopy(new), warnings

    # -- delete and garbage collection -----------------------------------------------------

    def delete(self, rtype, ns, name, options, params):
        policy = options.get("propagationPolicy") or params.get("propagationPolicy")
        if policy not in (None, "", "Background", "Foreground", "Orphan"):
            raise bad_request(f'propagationPolicy: Unsupported value: "{policy}"')
        pre = options.get("preconditions") or {}
        if not isinstance(pre, dict):
            raise bad_request("preconditions must be an object")
        with self.store.lock:
            self.store.count_write(rtype.key)
            obj = self._existing(rtype, ns, name)
            meta = obj["metadata"]
            if pre.get("uid") and pre["uid"] != meta["uid"]:
                raise conflict(rtype.group, rtype.plural, name, f"Precondition failed: UID in precondition: "
                               f"{pre['uid']}, UID in object meta: {meta['uid']}")
            if pre.get("resourceVersion") and pre["resourceVersion"] != meta["resourceVersion"]:
                raise conflict(rtype.group, rtype.plural, name, "Precondition failed: ResourceVersion in "
                               f"precondition: {pre['resourceVersion']}, ResourceVersion in object meta: "
                               f"{meta['resourceVersion']}")
            if self._dry_run(params):
                return copy.deepcopy(obj)
            if policy == "Orphan":
                self._orphan(meta["uid"])
            finalizers = list(meta.get("finalizers") or [])
            if policy == "Foreground" and self._dependents(meta["uid"]) and "foregroundDeletion" not in finalizers:
                finalizers.append("foregroundDeletion")
            if rtype.key == NS_KEY:
                finalizers = finalizers or []
            if finalizers or rtype.key == NS_KEY:
                if meta.get("deletionTimestamp") and finalizers == meta.get("finalizers"):
                    return copy.deepcopy(obj)
                new = copy.deepcopy(obj)
                new["metadata"]["deletionTimestamp"] = meta.get("deletionTimestamp") or managed.now()
                new["metadata"]["deletionGracePeriodSeconds"] = 0
                if finalizers:
                    new["metadata"]["finalizers"] = finalizers
                if rtype.key == NS_KEY:
                    new.setdefault("status", {})["phase"] = "Terminating"
                self._stamp(new, rtype)
                self.store.put(rtype.key, new, "MODIFIED")
                if rtype.key == NS_KEY:
                    self._empty_namespace(name)
                self.sweep()
                return copy.deepcopy(self.store.get(rtype.key, "", name) or new)
            final = copy.deepcopy(obj)
            self._stamp(final, rtype)
            self._remove(rtype, final)
            return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                    "details": {"name": name, "group": rtype.group, "kind": rtype.plural,
                                "uid": meta["uid"]}}

    def _remove(self, rtype, final):
        """Removes an object for good, then collects what it owned."""
        self.store.put(rtype.key, final, "DELETED")
        if rtype.key == CRD_KEY:
            self._drop_crd(final)
        self._collect(final["metadata"]["uid"])
        self.sweep()

    def _drop_crd(self, crd):
        for t in self.registry.custom.get(crd["metadata"]["name"], []):
            for obj in list(self.store.bucket(t.key).values()):
                final = copy.deepcopy(obj)
                self._stamp(final, t)
                self.store.put(t.key, final, "DELETED")
        self.registry.unregister_crd(crd["metadata"]["name"])

    def _type_of(self, key, obj):
        group, _ = key
        version = obj.get("apiVersion", "").split("/")[-1]
        return self.registry.find(group, version, key[1])

    def _dependents(self, uid):
        out = []
        for key, bucket in self.store.objects.items():
            for o in bucket.values():
                if any(r.get("uid") == uid for r in (o["metadata"].get("ownerReferences") or [])):
                    out.append((key, o))
        return out

    def _live_uids(self):
        return {o["metadata"]["uid"] for b in self.store.objects.values() for o in b.values()}

    def _collect(self, uid):
        """Background garbage collection: a dependent whose owners are all gone is deleted; one
        with another live owner loses the dangling reference."""
        live = self._live_uids()
        for key, o in self._dependents(uid):
            rtype = self._type_of(key, o)
            if rtype is None:
                continue
            refs = o["metadata"].get("ownerReferences") or []
            if any(r.get("uid") in live for r in refs if r.get("uid") != uid):
                self._drop_reference(key, rtype, o, uid)
            elif self.store.get(key, o["metadata"].get("namespace", ""), o["metadata"]["name"]) is not None:
                self.delete(rtype, o["metadata"].get("namespace", ""), o["metadata"]["name"],
                            {"propagationPolicy": "Background"}, {})

    def _other_live_owner(self, obj, uid):
        """Whether obj has an owner other than uid that exists and is not being deleted."""
        live = {o["metadata"]["uid"] for b in self.store.objects.values() for o in b.values()
                if not o["metadata"].get("deletionTimestamp")}
        return any(r.get("uid") in live for r in obj["metadata"].get("ownerReferences") or []
                   if r.get("uid") != uid)

    def _drop_reference(self, key, rtype, obj, uid):
        new = copy.deepcopy(obj)
        new["metadata"]["ownerReferences"] = [r for r in new["metadata"]["ownerReferences"] if r.get("uid") != uid]
        if not new["metadata"]["ownerReferences"]:
            del new["metadata"]["ownerReferences"]
        self._stamp(new, rtype)
        self.store.put(key, new, "MODIFIED")

    def _orphan(self, uid):
        for key, o in self._dependents(uid):
            rtype = self._type_of(key, o)
            if rtype is not None:
                self._drop_reference(key, rtype, o, uid)

    def _empty_namespace(self, ns):
        for t in self.registry.all():
            if not t.namespaced:
                continue
            for (ons, oname), o in list(self.store.bucket(t.key).items()):
                if ons == ns and t.version == o.get("apiVersion", "").split("/")[-1]:
                    if not o["metadata"].get("deletionTimestamp"):
                        self.delete(t, ns, oname, {"propagationPolicy": "Background"}, {})

    def sweep(self):
        """Finishes what deletion left pending: foreground owners whose dependents are gone, and
        terminating namespaces that are empty."""
        for key, ons, oname in sorted(self.store.terminating):
            o = self.store.get(key, ons, oname)
            if o is None:
                continue
            meta = o["metadata"]
            if "foregroundDeletion" in (meta.get("finalizers") or []):
                for dkey, d in self._dependents(meta["uid"]):
                    dt = self._type_of(dkey, d)
                    if dt and not d["metadata"].get("deletionTimestamp"):
                        if self._other_live_owner(d, meta["uid"]):
                            self._drop_reference(dkey, dt, d, meta["uid"])
                        else:
                            self.delete(dt, d["metadata"].get("namespace", ""), d["metadata"]["name"],
                                        {"propagationPolicy": "Foreground"}, {})
                if not self._dependents(meta["uid"]):
                    self._finish(key, o, "foregroundDeletion")
            if key == NS_KEY and self.store.get(key, "", meta["name"]) is not None:
                if not any(k2 != NS_KEY and any(ns == meta["name"] for ns, _ in b2)
                           for k2, b2 in self.store.objects.items()):
                    self._finish(key, o, None)

    def _finish(self, key, obj, finalizer):
        cur = self.store.get(key, obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
        if cur is None:
            return
        rtype = self._type_of(key, cur)
        new = copy.deepcopy(cur)
        fins = [f for f in (new["metadata"].get("finalizers") or []) if f != finalizer]
        if key == NS_KEY:
            fins = [f for f in fins if f != "kubernetes"]
        new["metadata"]["finalizers"] = fins
        if not fins:
            new["metadata"].pop("finalizers", None)
            self._stamp(new, rtype)
            self._remove(rtype, new)
        elif fins != cur["metadata"].get("finalizers"):
            self._stamp(new, rtype)
            self.store.put(key, new, "MODIFIED")
