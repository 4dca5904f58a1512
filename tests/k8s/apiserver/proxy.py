"""The service proxy path: /api/v1/namespaces/<ns>/services/<name>[:<port>]/proxy/<path>
forwards to the target a test registered for that service and port (POST
/_standin/services/<ns>/<name>/proxy); without one it answers 503 like a service without
endpoints."""
import http.client
import urllib.parse

from .errors import ApiError, not_found

_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "proxy-authorization",
        "proxy-authenticate", "trailer", "host", "content-length"}


def forward(handler, target, method, body):
    name, _, port = target.name.partition(":")
    store = handler.state.store
    if store.get(("", "services"), target.namespace, name) is None:
        raise not_found("", "services", name)
    control = handler.state.control
    base = control.proxy_targets.get((target.namespace, name, port)) or \
        (control.proxy_targets.get((target.namespace, name, "")) if not port else None)
    if base is None:
        raise ApiError(503, "ServiceUnavailable", f'no endpoints available for service "{target.name}"')
    url = urllib.parse.urlsplit(base)
    query = urllib.parse.urlsplit(handler.path).query
    path = (url.path.rstrip("/") + "/" + target.rest) + (f"?{query}" if query else "")
    conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)
    try:
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP}
        conn.request(method, path, body=body or None, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
    except OSError as e:
        raise ApiError(503, "ServiceUnavailable", f"error trying to reach service: {e}")
    finally:
        conn.close()
    handler.send_response(resp.status)
    for k, v in resp.getheaders():
        if k.lower() not in _HOP:
            handler.send_header(k, v)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)
    store.note_request(method, handler.path, resp.status)
