#!/usr/bin/env python3
"""Bad input never breaks the stand-in: malformed bodies, wrong shapes, odd paths, bad query
parameters and truncated requests to every verb answer a Kubernetes Status (4xx), never a 500
or a hang, and the server keeps serving afterwards."""
import itertools
import socket
import unittest

from support import CRDS, StandIn

PATHS = [
    "/api/v1/namespaces/default/configmaps", "/api/v1/namespaces/default/configmaps/c",
    "/apis/apps/v1/namespaces/default/deployments/d", "/apis/apps/v1/namespaces/default/deployments/d/status",
    "/apis/apps/v1/namespaces/default/deployments/d/scale", "/apis/kaos.tools/v1alpha1/namespaces/default/agents/a",
    "/apis/kaos.tools/v1alpha1/namespaces/default/agents/a/status", "/api/v1/namespaces/n",
    "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/x.y", "/api/v1/namespaces/default/services/s:1/proxy/",
]
BODIES = [b"", b"null", b"[]", b"[1,2]", b"\"str\"", b"42", b"{", b"{\"metadata\": []}", b"{\"metadata\": {\"name\": 5}}",
          b"{\"metadata\": {\"name\": \"c\", \"labels\": {\"a\": 1}}}", b"{\"spec\": {\"replicas\": \"x\"}}",
          b"{\"metadata\": {\"name\": \"a\"}, \"spec\": [], \"status\": 7}",
          b"[{\"op\": \"move\", \"from\": \"/nope\", \"path\": \"/x\"}]", b"[{\"op\": \"add\"}]", b"\xff\xfe",
          b"metadata: {name: [a]}\n", b"kind: Agent\napiVersion: kaos.tools/v1alpha1\nmetadata: {name: a}\nspec: 3\n",
          b"a: b: c: :\n"]
TYPES = ["application/json", "application/merge-patch+json", "application/json-patch+json",
         "application/strategic-merge-patch+json", "application/apply-patch+yaml", "text/plain"]


class HostileInputTest(unittest.TestCase):
    def setUp(self):
        self.k8s = StandIn("--crds", CRDS)
        self.addCleanup(self.k8s.stop)
        # Existing objects, so updates and patches reach the code past the lookup.
        self.k8s.request("POST", "/api/v1/namespaces/default/configmaps", {"metadata": {"name": "c"}})
        self.k8s.request("POST", "/apis/kaos.tools/v1alpha1/namespaces/default/agents",
                         {"apiVersion": "kaos.tools/v1alpha1", "kind": "Agent", "metadata": {"name": "a"},
                          "spec": {"modelAPI": "g", "model": "m"}})
        self.k8s.request("POST", "/apis/apps/v1/namespaces/default/deployments", {
            "metadata": {"name": "d"}, "spec": {"selector": {"matchLabels": {"a": "d"}}, "template": {
                "metadata": {"labels": {"a": "d"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}})

    def test_malformed_requests_answer_a_status_never_a_500(self):
        failures = []
        queries = itertools.cycle(("", "?fieldManager=m&force=maybe", "?dryRun=Some&propagationPolicy=Sideways",
                                   "?fieldManager=m&fieldValidation=Strict"))
        for path, body, ctype, method in itertools.product(PATHS, BODIES, TYPES, ["POST", "PUT", "PATCH", "DELETE"]):
            for query in (next(queries),):
                code, out = self.k8s.request(method, path + query, body, ctype)
                if code >= 500 and "proxy" not in path or not isinstance(out, dict) or \
                        (code >= 400 and out.get("kind") != "Status"):
                    failures.append((method, path + query, ctype, body, code, out))
        self.assertEqual({(f[4], str(f[5])[:300]) for f in failures}, set())
        for query in ("?labelSelector=a%20in%20(", "?fieldSelector=spec.x%3D1", "?limit=x", "?continue=%%%",
                      "?watch=maybe", "?watch=1&timeoutSeconds=x", "?watch=1&resourceVersion=-"):
            code, out = self.k8s.request("GET", "/api/v1/namespaces/default/configmaps" + query)
            self.assertEqual((code, out["kind"]), (400, "Status"), query)
        for path in ("/apis", "/apis/nope", "/apis/nope/v1", "/api/v2", "/apis/apps/v1/nothings",
                     "/api/v1/namespaces/default/configmaps/c/nope", "/x", "/api/v1/namespaces/default/configmaps/c/status"):
            code, out = self.k8s.request("GET", path)
            self.assertIn(code, (200, 404), path)

    def test_truncated_and_oversized_requests(self):
        for raw in (b"PATCH /api/v1/namespaces/default/configmaps/c HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"
                    b"Content-Type: application/merge-patch+json\r\n\r\n{\"data\"",
                    b"GARBAGE\r\n\r\n", b"GET /api/v1/namespaces/default/configmaps HTTP/1.1\r\nContent-Length: x\r\n\r\n"):
            with socket.create_connection(("127.0.0.1", self.k8s.port), timeout=10) as s:
                s.sendall(raw)
                s.shutdown(socket.SHUT_WR)
                s.recv(65536)  # an answer or a close, within the timeout
        with socket.create_connection(("127.0.0.1", self.k8s.port), timeout=10) as s:
            s.sendall(b"POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Type: application/json\r\nContent-Length: 9437184\r\n\r\n")
            head = b""
            while chunk := s.recv(65536):  # the server closes after answering
                head += chunk
        self.assertTrue(head.startswith(b"HTTP/1.1 413"), head)
        self.assertIn(b'"reason": "RequestEntityTooLarge"', head)
        self.assertEqual(self.k8s.request("GET", "/api/v1/namespaces/default/configmaps/c")[0], 200)


if __name__ == "__main__":
    unittest.main()
