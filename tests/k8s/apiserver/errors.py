"""Kubernetes `Status` failures: each API error the stand-in answers is an ApiError, turned
into a `Status` body with the reason and code the real API server uses."""


class ApiError(Exception):
    def __init__(self, code, reason, message, details=None, headers=None):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.headers = headers or {}

    def status(self):
        body = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details is not None:
            body["details"] = self.details
        return body


def _qualified(group, plural):
    return f"{plural}.{group}" if group else plural


def _details(group, plural, name, kind=None, causes=None):
    d = {"name": name, "kind": plural}
    if group:
        d["group"] = group
    if kind:
        d["kind"] = kind
    if causes:
        d["causes"] = causes
    return d


def not_found(group, plural, name):
    return ApiError(404, "NotFound", f'{_qualified(group, plural)} "{name}" not found',
                    _details(group, plural, name))


def already_exists(group, plural, name):
    return ApiError(409, "AlreadyExists", f'{_qualified(group, plural)} "{name}" already exists',
                    _details(group, plural, name))


def conflict(group, plural, name, why):
    return ApiError(409, "Conflict",
                    f'Operation cannot be fulfilled on {_qualified(group, plural)} "{name}": {why}',
                    _details(group, plural, name))


def apply_conflict(group, plural, name, conflicts):
    """conflicts: list of (manager, field path string)."""
    causes = [{"type": "FieldManagerConflict", "message": f'conflict with "{m}"', "field": f}
              for m, f in conflicts]
    lines = "\n".join(f'- conflict with "{m}": {f}' for m, f in conflicts)
    return ApiError(409, "Conflict", f"Apply failed with {len(conflicts)} conflict"
                    f"{'s' if len(conflicts) != 1 else ''}: {lines}",
                    _details(group, plural, name, causes=causes))


def invalid(group, plural, kind, name, causes):
    """causes: list of dicts with reason, message, field."""
    summary = ", ".join(f"{c['field']}: {c['message']}" for c in causes)
    return ApiError(422, "Invalid", f'{kind}.{group or ""} "{name}" is invalid: [{summary}]'
                    if group else f'{kind} "{name}" is invalid: [{summary}]',
                    _details(group, plural, name, kind=kind, causes=causes))


def bad_request(message):
    return ApiError(400, "BadRequest", message)


def gone(message):
    return ApiError(410, "Expired", message)


def method_not_allowed(message="the server does not allow this method on the requested resource"):
    return ApiError(405, "MethodNotAllowed", message)


def unsupported_media_type(content_type):
    return ApiError(415, "UnsupportedMediaType",
                    f"the body of the request was in an unknown format - accepted media types "
                    f"include: application/json-patch+json, application/merge-patch+json, "
                    f"application/apply-patch+yaml (got {content_type})")


def page_not_found(path):
    return ApiError(404, "NotFound", f"the server could not find the requested resource ({path})",
                    {"causes": [{"reason": "UnexpectedServerResponse", "message": "404 page not found"}]})


def query_bool(params, name):
    """A boolean query parameter as Go's strconv.ParseBool reads it; 400 when malformed."""
    v = params.get(name)
    if v is None or v == "":
        return False
    if v in ("1", "t", "T", "true", "TRUE", "True"):
        return True
    if v in ("0", "f", "F", "false", "FALSE", "False"):
        return False
    raise bad_request(f'{name}: invalid boolean value "{v}"')
