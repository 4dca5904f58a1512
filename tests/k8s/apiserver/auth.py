"""Optional authentication, so client tests can check what they send: bearer tokens (the set
can be replaced at run time, as a rotated service-account token would be) and TLS client
certificates verified against a CA (the certificate's CN is the user). Without either
configured every request is accepted. Authorization (RBAC) is never enforced."""
import ssl
import threading

from .errors import ApiError


def unauthorized():
    return ApiError(401, "Unauthorized", "Unauthorized")


class Authenticator:
    def __init__(self, tokens=None, client_ca=None):
        self.lock = threading.Lock()
        self.tokens = set(tokens or [])
        self.client_ca = client_ca
        self.required = bool(self.tokens) or bool(client_ca)

    def set_tokens(self, tokens):
        with self.lock:
            self.tokens = set(tokens)
            self.required = bool(self.tokens) or bool(self.client_ca)

    def identify(self, handler):
        """The requester ("token:<t>", "cert:<CN>" or "anonymous"); 401 when auth is required
        and nothing valid was presented."""
        cert = None
        if isinstance(handler.connection, ssl.SSLSocket):
            cert = handler.connection.getpeercert()
        if cert:
            for rdn in cert.get("subject", ()):
                for key, value in rdn:
                    if key == "commonName":
                        return f"cert:{value}"
            return "cert:"
        header = handler.headers.get("Authorization") or ""
        token = header[7:].strip() if header.startswith("Bearer ") else None
        with self.lock:
            if token is not None and token in self.tokens:
                return f"token:{token}"
            if self.required:
                raise unauthorized()
        return "anonymous"


def server_context(cert_file, key_file, client_ca=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert_file, key_file)
    if client_ca:
        ctx.load_verify_locations(client_ca)
        ctx.verify_mode = ssl.CERT_OPTIONAL  # a bearer token may authenticate instead
    return ctx
