#!/usr/bin/env python3
"""The stand-in's optional HTTPS and authentication, with kubectl and python3-kubernetes: a
server certificate from a test CA, bearer tokens (401 without one, rotation through the
control surface), client certificates (the CN is the user), and an untrusted CA refused."""
import os
import subprocess
import tempfile
import unittest

from kubernetes import client, config
from kubernetes.client.rest import ApiException

import standin
from support import StandIn


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_pki(d):
    """A CA, a server certificate for 127.0.0.1 and a client certificate for CN=alice."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
            "-subj", "/CN=standin-ca", cwd=d)
    for name, subj, ext in (("server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth"),
                            ("alice", "/CN=alice", "extendedKeyUsage=clientAuth")):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                "-subj", subj, cwd=d)
        with open(os.path.join(d, f"{name}.ext"), "w") as f:
            f.write(ext + "\n")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", f"{name}.crt", "-days", "2", "-extfile", f"{name}.ext", cwd=d)


class AuthTlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pki = tempfile.mkdtemp(prefix="standin-pki-")
        make_pki(cls.pki)

    def pem(self, name):
        return os.path.join(self.pki, name)

    def setUp(self):
        self.k8s = StandIn("--tls-cert", self.pem("server.crt"), "--tls-key", self.pem("server.key"),
                           "--client-ca", self.pem("ca.crt"), "--server-ca", self.pem("ca.crt"), "--token", "first")
        self.addCleanup(self.k8s.stop)
        self.url = self.k8s.url
        self.assertTrue(self.url.startswith("https://"))

    def kubeconfig(self, name, **kw):
        path = os.path.join(self.k8s.dir, name)
        standin.write_kubeconfig(path, self.url, **kw)
        return path

    def kubectl(self, kubeconfig, *args):
        return subprocess.run(["kubectl", "--kubeconfig", kubeconfig, *args], env=self.k8s.env, capture_output=True,
                              text=True, timeout=30)

    def identities(self):
        return {r[3] for r in self.k8s.control("GET", "requests")["requests"]}

    def test_tokens_over_tls_and_rotation(self):
        ok = self.kubectl(self.k8s.kubeconfig, "get", "ns", "default", "-o", "name")  # written by the CLI
        self.assertEqual((ok.returncode, ok.stdout.strip()), (0, "namespace/default"), ok.stderr)
        self.assertIn("token:first", self.identities())
        wrong = self.kubectl(self.kubeconfig("wrong", token="nope", ca_file=self.pem("ca.crt")), "get", "ns")
        self.assertNotEqual(wrong.returncode, 0)
        self.assertIn("Unauthorized", wrong.stderr)
        untrusted = self.kubectl(self.kubeconfig("untrusted", token="first"), "get", "ns")
        self.assertNotEqual(untrusted.returncode, 0)
        self.assertIn("certificate", untrusted.stderr)
        # Rotation: the old token stops working, the new one works.
        self.k8s.control("POST", "auth/tokens", {"tokens": ["second"]})
        self.assertIn("Unauthorized", self.kubectl(self.k8s.kubeconfig, "get", "ns").stderr)
        rotated = self.kubectl(self.kubeconfig("rotated", token="second", ca_file=self.pem("ca.crt")), "get", "ns")
        self.assertEqual(rotated.returncode, 0, rotated.stderr)
        self.assertIn("token:second", self.identities())

    def test_client_certificates(self):
        path = self.kubeconfig("alice", ca_file=self.pem("ca.crt"), client_cert=self.pem("alice.crt"),
                               client_key=self.pem("alice.key"))
        out = self.kubectl(path, "get", "ns", "kube-system", "-o", "name")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("cert:alice", self.identities())
        api = config.new_client_from_config(config_file=path)
        self.addCleanup(api.close)
        names = [n.metadata.name for n in client.CoreV1Api(api).list_namespace().items]
        self.assertIn("default", names)
        anonymous = config.new_client_from_config(config_file=self.kubeconfig("anon", token=None,
                                                                              ca_file=self.pem("ca.crt")))
        self.addCleanup(anonymous.close)
        with self.assertRaises(ApiException) as ctx:
            client.CoreV1Api(anonymous).list_namespace()
        self.assertEqual(ctx.exception.status, 401)


if __name__ == "__main__":
    unittest.main()
