"""Structural openAPIV3Schema handling for custom resources, in the order the API server
applies it: defaulting, pruning of unknown fields (or reporting them for
fieldValidation=Strict/Warn), then validation. CEL rules (x-kubernetes-validations) are NOT
evaluated. Supported keywords: type, properties, additionalProperties, items, required, enum,
minimum/maximum (+exclusive), minLength/maxLength, pattern, minItems/maxItems,
minProperties/maxProperties, nullable, default, x-kubernetes-preserve-unknown-fields,
x-kubernetes-int-or-string, x-kubernetes-embedded-resource."""
import copy
import json
import re


def _fmt(v):
    return json.dumps(v)


def _join(path, key):
    return f"{path}.{key}" if path else key


def apply_defaults(schema, value):
    """Drops nulls of non-nullable properties, then fills the `default`s of absent properties
    of present objects, recursively (in place)."""
    if not isinstance(schema, dict):
        return
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        for name in [n for n, v in value.items() if v is None]:
            sub = props.get(name, schema.get("additionalProperties"))
            if isinstance(sub, dict) and not sub.get("nullable"):
                del value[name]  # nulls of non-nullable fields are dropped before defaulting
        for name, sub in props.items():
            if name not in value and isinstance(sub, dict) and "default" in sub:
                value[name] = copy.deepcopy(sub["default"])
        for name, v in value.items():
            if name in props:
                apply_defaults(props[name], v)
            elif isinstance(schema.get("additionalProperties"), dict):
                apply_defaults(schema["additionalProperties"], v)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            apply_defaults(schema["items"], item)


def prune(schema, value, path, unknown):
    """Removes fields the schema does not know (in place); appends their paths to `unknown`."""
    if not isinstance(schema, dict):
        return
    if isinstance(value, dict):
        props = schema.get("properties")
        addl = schema.get("additionalProperties")
        preserve = schema.get("x-kubernetes-preserve-unknown-fields") is True
        embedded = schema.get("x-kubernetes-embedded-resource") is True
        for name in list(value.keys()):
            sub = None
            if props is not None and name in props:
                sub = props[name]
            elif isinstance(addl, dict):
                sub = addl
            elif addl is True or preserve:
                continue
            elif embedded and name in ("apiVersion", "kind", "metadata"):
                continue
            elif props is None and addl is None and schema.get("type") != "object":
                continue
            if sub is None:
                unknown.append(_join(path, name))
                del value[name]
                continue
            prune(sub, value[name], _join(path, name), unknown)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            prune(schema["items"], item, f"{path}[{i}]", unknown)


def _type_ok(schema, value):
    t = schema.get("type")
    if schema.get("x-kubernetes-int-or-string"):
        return (isinstance(value, int) and not isinstance(value, bool)) or isinstance(value, str)
    if t is None:
        return True
    return {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool)
        or (isinstance(v, float) and v.is_integer()),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
    }.get(t, lambda v: True)(value)


def validate(schema, value, path, causes):
    """Appends Kubernetes field causes (reason, message, field) for each violation."""
    if not isinstance(schema, dict):
        return
    if value is None:
        if not schema.get("nullable"):
            causes.append({"reason": "FieldValueTypeInvalid", "field": path,
                           "message": f'Invalid value: "null": {path} in body must be of type '
                                      f'{schema.get("type", "object")}: "null"'})
        return
    if not _type_ok(schema, value):
        actual = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer",
                  float: "number"}.get(type(value), "unknown")
        causes.append({"reason": "FieldValueTypeInvalid", "field": path,
                       "message": f'Invalid value: "{actual}": {path} in body must be of type '
                                  f'{schema.get("type")}: "{actual}"'})
        return
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(_fmt(v) for v in schema["enum"])
        causes.append({"reason": "FieldValueNotSupported", "field": path,
                       "message": f"Unsupported value: {_fmt(value)}: supported values: {allowed}"})
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        lo, hi = schema.get("minimum"), schema.get("maximum")
        if lo is not None and (value < lo or (schema.get("exclusiveMinimum") and value == lo)):
            causes.append({"reason": "FieldValueInvalid", "field": path,
                           "message": f"Invalid value: {_fmt(value)}: {path} in body should be greater "
                                      f"than or equal to {lo}"})
        if hi is not None and (value > hi or (schema.get("exclusiveMaximum") and value == hi)):
            causes.append({"reason": "FieldValueInvalid", "field": path,
                           "message": f"Invalid value: {_fmt(value)}: {path} in body should be less "
                                      f"than or equal to {hi}"})
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            causes.append({"reason": "FieldValueInvalid", "field": path,
                           "message": f"Invalid value: {_fmt(value)}: {path} in body should be at least "
                                      f"{schema['minLength']} chars long"})
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            causes.append({"reason": "FieldValueTooLong", "field": path,
                           "message": f"Too long: may not be longer than {schema['maxLength']}"})
        if "pattern" in schema and not re.search(schema["pattern"], value):
            causes.append({"reason": "FieldValueInvalid", "field": path,
                           "message": f"Invalid value: {_fmt(value)}: {path} in body should match "
                                      f"'{schema['pattern']}'"})
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            causes.append({"reason": "FieldValueInvalid", "field": path,
                           "message": f"Invalid value: {len(value)}: {path} in body should have at least "
                                      f"{schema['minItems']} items"})
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            causes.append({"reason": "FieldValueTooMany", "field": path,
                           "message": f"Too many: {len(value)}: must have at most {schema['maxItems']} items"})
        if isinstance(schema.get("items"), dict):
            for i, item in enumerate(value):
                validate(schema["items"], item, f"{path}[{i}]", causes)
    if isinstance(value, dict):
        for req in schema.get("required") or []:
            if req not in value:
                causes.append({"reason": "FieldValueRequired", "field": _join(path, req),
                               "message": "Required value"})
        if "minProperties" in schema and len(value) < schema["minProperties"]:
            causes.append({"reason": "FieldValueInvalid", "field": path,
                           "message": f"Invalid value: {len(value)}: {path} in body should have at least "
                                      f"{schema['minProperties']} properties"})
        if "maxProperties" in schema and len(value) > schema["maxProperties"]:
            causes.append({"reason": "FieldValueTooMany", "field": path,
                           "message": f"Too many: {len(value)}: must have at most "
                                      f"{schema['maxProperties']} items"})
        props = schema.get("properties") or {}
        addl = schema.get("additionalProperties")
        for name, v in value.items():
            if name in props:
                validate(props[name], v, _join(path, name), causes)
            elif isinstance(addl, dict):
                validate(addl, v, _join(path, name), causes)


def process_custom_resource(schema, obj):
    """Defaults, prunes and validates `obj` in place (metadata untouched).
    Returns (causes, unknown_field_paths)."""
    if not isinstance(schema, dict):
        return [], []
    body = {k: v for k, v in obj.items() if k != "metadata"}
    root = dict(schema)
    root_props = dict(root.get("properties") or {})
    root_props.setdefault("apiVersion", {"type": "string"})
    root_props.setdefault("kind", {"type": "string"})
    root_props.pop("metadata", None)
    root["properties"] = root_props
    apply_defaults(root, body)
    unknown = []
    prune(root, body, "", unknown)
    causes = []
    validate(root, body, "", causes)
    for k in list(obj.keys()):
        if k != "metadata":
            del obj[k]
    obj.update(body)
    return causes, unknown
