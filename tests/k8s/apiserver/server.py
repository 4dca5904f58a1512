"""The HTTP front of the stand-in: discovery, the resource verbs, watch streams (chunked JSON
lines), the service proxy, and the test-control surface under /_standin/ (control.py)."""
import json
import sys
import threading
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import auth, control, openapi, proxy, routes, watch
from .api import Api
from .errors import ApiError, bad_request, method_not_allowed, page_not_found, query_bool, unsupported_media_type
from .store import Store
from .types import Registry

MAX_BODY = 8 * 1024 * 1024
VERSION = {"major": "1", "minor": "32", "gitVersion": "v1.32.0-kaos-standin", "gitCommit": "standin",
           "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.23",
           "compiler": "gc", "platform": "linux/amd64"}


class State:
    def __init__(self, history_limit, bookmark_interval, authenticator=None):
        self.auth = authenticator or auth.Authenticator()
        self.store = Store(history_limit)
        self.registry = Registry()
        self.api = Api(self.store, self.registry)
        self.bookmark_interval = bookmark_interval
        self.control = control.Control(self)
        for ns in ("default", "kube-system", "kube-public", "kube-node-lease"):
            self.api.create(self.registry.find("", "v1", "namespaces"), "",
                            {"metadata": {"name": ns}}, {}, "standin")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kaos-k8s-standin"
    # TCP_NODELAY: a response goes out as two writes (head, then body); with Nagle on, the body
    # waits for the client's delayed ACK of the head, up to 40 ms per request on loopback.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    @property
    def state(self):
        return self.server.state

    # -- plumbing --------------------------------------------------------------------------

    def _send(self, code, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Audit-Id", "standin")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.state.store.note_request(self.command, self.path, code, getattr(self, "identity", ""))

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            raise ApiError(413, "RequestEntityTooLarge", "the request body is too large")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                data += self.rfile.read(size)
                self.rfile.readline()
                if len(data) > MAX_BODY:
                    raise ApiError(413, "RequestEntityTooLarge", "the request body is too large")
            return data
        return self.rfile.read(n) if n else b""

    def _json_body(self, raw):
        if not raw:
            return {}
        try:
            return json.loads(raw)
        except ValueError as e:
            raise bad_request(f"error decoding the request body as JSON: {e}")

    def _options_body(self, raw):
        """A body that must be a JSON object when present (DeleteOptions, Scale, control)."""
        body = self._json_body(raw)
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise bad_request("the body of the request must be a JSON object")
        return body

    def _manager(self, params):
        m = params.get("fieldManager")
        if m:
            if len(m) > 128:
                raise bad_request("fieldManager: Too long: may not be longer than 128")
            return m
        return (self.headers.get("User-Agent") or "unknown").split("/")[0] or "unknown"

    # -- dispatch --------------------------------------------------------------------------

    def do_GET(self):
        self._dispatch("GET")

    def do_HEAD(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_OPTIONS(self):
        self._dispatch("OPTIONS")

    def _dispatch(self, method):
        self.identity = ""
        url = urllib.parse.urlsplit(self.path)
        params = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
        try:
            raw = self._body() if method in ("POST", "PUT", "PATCH", "DELETE") else b""
            if url.path.startswith("/_standin/"):
                code, body = self.state.control.handle(method, url.path, self._options_body(raw))
                return self._send(code, body)
            self.identity = self.state.auth.identify(self)
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if raw and ctype in ("application/vnd.kubernetes.protobuf", "application/cbor"):
                # Only JSON (and YAML for apply) bodies: what a server without protobuf answers.
                raise unsupported_media_type(ctype)
            injected = self.state.control.injected(method, url.path)
            if injected:
                return self._send(injected.code, injected.status(), injected.headers)
            self._route(method, url.path, params, raw)
        except ApiError as e:
            if e.code == 413:
                self.close_connection = True  # the unread body cannot be skipped
            self._send(e.code, e.status(), e.headers)
        except (ConnectionError, BrokenPipeError):
            raise
        except Exception as e:  # a stand-in bug: answer 500 with the trace, never hang
            traceback.print_exc(file=sys.stderr)
            self._send(500, ApiError(500, "InternalError", f"stand-in error: {e!r}").status())

    def _route(self, method, path, params, raw):
        path = path.rstrip("/") if not path.endswith("/proxy/") else path
        reg = self.state.registry
        if path in ("/version", "/version/"):
            return self._send(200, VERSION)
        if path in ("/healthz", "/readyz", "/livez"):
            return self._send(200, "ok")
        if path == "/openapi/v3":
            return self._send(200, openapi.root(reg))
        if path.startswith("/openapi/v3/"):
            bits = path[len("/openapi/v3/"):].split("/")
            doc = None
            if bits[:2] == ["api", "v1"] and len(bits) == 2:
                doc = openapi.group_version(reg, "", "v1")
            elif len(bits) == 3 and bits[0] == "apis":
                doc = openapi.group_version(reg, bits[1], bits[2])
            if doc is None:
                raise page_not_found(path)
            return self._send(200, doc)
        if path == "/api":
            return self._send(200, reg.api_versions())
        if path == "/apis":
            return self._send(200, reg.api_group_list())
        parts = [p for p in path.split("/") if p]
        if parts and parts[0] == "apis" and len(parts) == 2:
            g = reg.api_group(parts[1])
            if g is None:
                raise page_not_found(path)
            return self._send(200, g)
        if parts[:1] in (["api"], ["apis"]) and len(parts) in (2, 3) and (parts[0] == "api") == (len(parts) == 2):
            group, version = ("", parts[1]) if parts[0] == "api" else (parts[1], parts[2])
            rl = reg.resource_list(group, version)
            if rl is None:
                raise page_not_found(path)
            return self._send(200, rl)
        target = routes.parse(reg, path)
        if target is None:
            raise page_not_found(path)
        if target.subresource == "proxy":
            return proxy.forward(self, target, method, raw)
        self._resource(method, target, params, raw)

    def _resource(self, method, t, params, raw):
        api, rtype = self.state.api, t.rtype
        manager = self._manager(params)
        warnings = []
        if not t.name:
            if method == "GET" and query_bool(params, "watch"):
                return self._watch(t, params)
            if method == "GET":
                return self._send(200, api.list(rtype, t.namespace, params))
            if method == "POST":
                obj, warnings = api.create(rtype, t.namespace, self._json_body(raw), params, manager)
                self.state.control.after_write(rtype, obj)
                return self._send(201, obj, self._warn(warnings))
            if method == "DELETE":
                return self._send(200, self._delete_collection(t, params, raw))
            raise method_not_allowed()
        if t.subresource == "scale":
            return self._scale(method, t, params, raw, manager)
        if t.subresource == "finalize" and method != "PUT":
            raise method_not_allowed()
        if method == "GET":
            obj = api.get(rtype, t.namespace, t.name)
            return self._send(200, obj)
        if method == "PUT":
            obj, warnings = api.update(rtype, t.namespace, t.name, self._json_body(raw), params, manager,
                                       "status" if t.subresource == "status" else "")
            created = False
        elif method == "PATCH":
            obj, warnings, created = api.patch(rtype, t.namespace, t.name, raw, self.headers.get("Content-Type"),
                                      params, manager, t.subresource)
        elif method == "DELETE":
            if t.subresource:
                raise method_not_allowed()
            return self._send(200, api.delete(rtype, t.namespace, t.name, self._options_body(raw), params))
        else:
            raise method_not_allowed()
        self.state.control.after_write(rtype, obj)
        return self._send(201 if created else 200, obj, self._warn(warnings))

    def _scale(self, method, t, params, raw, manager):
        """A Deployment's autoscaling/v1 Scale subresource (what `kubectl scale` uses)."""
        api = self.state.api
        dep = api.get(t.rtype, t.namespace, t.name)
        if method in ("PUT", "PATCH"):
            body = self._json_body(raw)
            if method == "PUT" and not isinstance(body, dict):
                raise bad_request("the body of the request must be a Scale object")
            if method == "PATCH":
                from .patches import json_patch, merge_patch
                current = scale_of(dep)
                ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
                body = json_patch(current, body) if ctype == "application/json-patch+json" else merge_patch(current, body)
            if not isinstance(body, dict) or not isinstance(body.get("spec"), dict):
                raise bad_request("spec.replicas: Required value")
            replicas = body["spec"].get("replicas")
            if not isinstance(replicas, int) or replicas < 0:
                raise bad_request("spec.replicas: Invalid value: must be a non-negative integer")
            want_rv = (body.get("metadata") or {}).get("resourceVersion")
            new = dict(dep, spec=dict(dep["spec"], replicas=replicas))
            if want_rv:
                new["metadata"] = dict(dep["metadata"], resourceVersion=want_rv)
            dep, _ = api.update(t.rtype, t.namespace, t.name, new, params, manager)
            self.state.control.after_write(t.rtype, dep)
        elif method != "GET":
            raise method_not_allowed()
        return self._send(200, scale_of(dep))

    def _warn(self, warnings):
        if not warnings:
            return None
        quoted = (w.replace("\\", "\\\\").replace('"', '\\"') for w in warnings)
        return {"Warning": ", ".join(f'299 - "{w}"' for w in quoted)}

    def _delete_collection(self, t, params, raw):
        api = self.state.api
        options = self._options_body(raw)
        listing = api.list(t.rtype, t.namespace, params)
        for item in listing["items"]:
            try:
                api.delete(t.rtype, item["metadata"].get("namespace", ""), item["metadata"]["name"], options, params)
            except ApiError as e:
                if e.code != 404:
                    raise
        return listing

    def _watch(self, t, params):
        watch.parse_params(params)  # a bad parameter is a plain 400, before the stream starts
        events = watch.stream(self.state.store, t.rtype, t.namespace, params, self.state.bookmark_interval)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        self.state.store.note_request("WATCH", self.path, 200, getattr(self, "identity", ""))
        self.wfile.flush()  # headers now, as the real server does, even before any event
        try:
            for ev in events:
                self._chunk(json.dumps(ev).encode() + b"\n")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (ConnectionError, BrokenPipeError):
            pass
        finally:
            events.close()
        self.close_connection = True

    def _chunk(self, data):
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


def scale_of(dep):
    meta = dep["metadata"]
    sel = ((dep.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    return {"kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")},
            "spec": {"replicas": dep["spec"].get("replicas", 1)},
            "status": {"replicas": (dep.get("status") or {}).get("replicas", 0),
                       "selector": ",".join(f"{k}={v}" for k, v in sorted(sel.items()))}}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, BrokenPipeError)):
            super().handle_error(request, client_address)


def start(port=0, host="127.0.0.1", history_limit=10000, bookmark_interval=1.0, tokens=None, tls_cert=None,
          tls_key=None, client_ca=None):
    """Starts a stand-in on a background thread. Returns the server; `server.url` is its base
    URL, `server.state` its state, `server.shutdown()` stops it. `tokens` (bearer tokens) and
    `client_ca` (client certificates, needs TLS) make authentication required; `tls_cert` and
    `tls_key` serve HTTPS."""
    server = Server((host, port), Handler)
    scheme = "http"
    if tls_cert:
        ctx = auth.server_context(tls_cert, tls_key, client_ca)
        # The handshake runs on the handler thread's first read, not in accept().
        server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        scheme = "https"
    server.state = State(history_limit, bookmark_interval, auth.Authenticator(tokens, client_ca))
    server.url = f"{scheme}://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="k8s-standin", daemon=True)
    thread.start()
    return server
