#!/usr/bin/env python3
"""A stand-in Kubernetes API server for tests (README.md in this folder).

    python3 tests/k8s/standin.py --port 0 --print-port [--crds deploy/crds] [--kubeconfig FILE]
        [--token T] [--tls-cert F --tls-key F [--client-ca F]]

From a test: sys.path.insert(0, "tests/k8s"); import standin; server = standin.start(); ...
server.url; server.shutdown()."""
import argparse
import glob
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import yaml  # noqa: E402

from apiserver.server import start  # noqa: E402,F401


def load_crds(server, paths):
    """Registers the CRDs in the given files or folders, as `kubectl create` would."""
    api, reg = server.state.api, server.state.registry
    crd_type = reg.find("apiextensions.k8s.io", "v1", "customresourcedefinitions")
    for path in paths:
        files = sorted(glob.glob(os.path.join(path, "*.yaml"))) if os.path.isdir(path) else [path]
        for f in files:
            with open(f) as fh:
                for doc in yaml.safe_load_all(fh):
                    if doc and doc.get("kind") == "CustomResourceDefinition":
                        api.create(crd_type, "", doc, {}, "standin")


def write_kubeconfig(path, url, namespace="default", token="standin-token", ca_file=None, client_cert=None,
                     client_key=None):
    """A kubeconfig (context `standin`) for this server: a bearer token, or a client certificate
    and key; the CA that signed an HTTPS server's certificate."""
    cluster = {"server": url}
    if ca_file:
        cluster["certificate-authority"] = os.path.abspath(ca_file)
    user = {}
    if client_cert:
        user = {"client-certificate": os.path.abspath(client_cert), "client-key": os.path.abspath(client_key)}
    elif token:
        user = {"token": token}
    with open(path, "w") as f:
        yaml.safe_dump({
            "apiVersion": "v1", "kind": "Config", "current-context": "standin",
            "clusters": [{"name": "standin", "cluster": cluster}],
            "users": [{"name": "standin", "user": user}],
            "contexts": [{"name": "standin", "context": {"cluster": "standin", "user": "standin",
                                                          "namespace": namespace}}],
        }, f)


def main():
    p = argparse.ArgumentParser(description="A stand-in Kubernetes API server for tests (plain HTTP, "
                                            "no authentication).")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--print-port", action="store_true", help="print 'PORT <n>' once listening")
    p.add_argument("--crds", action="append", default=[], help="a CRD file or folder to register at start")
    p.add_argument("--kubeconfig", help="write a kubeconfig pointing at this server to FILE")
    p.add_argument("--history", type=int, default=10000, help="watch events kept (older versions get 410)")
    p.add_argument("--bookmark-interval", type=float, default=1.0, help="seconds between watch BOOKMARKs")
    p.add_argument("--token", action="append", default=[],
                   help="accept this bearer token (repeatable); with any --token or --client-ca, "
                        "unauthenticated requests get 401")
    p.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    p.add_argument("--tls-key", help="the key of --tls-cert (PEM)")
    p.add_argument("--client-ca", help="accept client certificates signed by this CA (needs --tls-cert)")
    p.add_argument("--server-ca", help="the CA the written kubeconfig trusts (default: --tls-cert itself, "
                                       "for a self-signed certificate)")
    args = p.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key) or (args.client_ca and not args.tls_cert):
        p.error("--tls-cert and --tls-key go together, and --client-ca needs them")
    server = start(args.port, args.host, args.history, args.bookmark_interval, args.token, args.tls_cert,
                   args.tls_key, args.client_ca)
    load_crds(server, args.crds)
    if args.kubeconfig:
        write_kubeconfig(args.kubeconfig, server.url, token=(args.token or ["standin-token"])[0],
                         ca_file=args.server_ca or args.tls_cert)
    if args.print_port:
        print(f"PORT {server.server_address[1]}", flush=True)
    try:
        threading.Event().wait()  # the server runs on its own thread
    except KeyboardInterrupt:
        pass
    server.shutdown()


if __name__ == "__main__":
    main()
