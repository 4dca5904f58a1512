// TLS and authentication against the stand-in served over HTTPS (certificates made by the
// test with the openssl CLI): a kubeconfig with certificate-authority-data and a token, token
// rotation through a token file, an exec plugin's token, and client-certificate auth.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "k8s/api_error.hpp"
#include "k8s/config.hpp"
#include "k8s/discovery.hpp"
#include "k8s/rest_client.hpp"
#include "k8s/standin_test_support.hpp"
#include "net/testing.hpp"

namespace kaos::k8s {
namespace {

using net::testing::Loop;
using testing::StandIn;
using testing::StandInOptions;
using testing::TempDir;

const ResourceType kConfigMaps{"", "v1", "configmaps", "ConfigMap", true};

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string base64_file(const std::string& path) {
  TempDir out;
  std::string cmd = "base64 -w0 '" + path + "' > '" + out.file("b64") + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  return read(out.file("b64"));
}

class AuthTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new TempDir();
    std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    std::string script =
        "set -e; cd '" + certs_->path().string() + "';" + "openssl req -x509" + key +
        " -keyout ca.key -out ca.pem -days 2 -subj /CN=kaos-k8s-test-ca;" + "openssl req" + key +
        " -keyout server.key -out server.csr -subj /CN=localhost;" +
        "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > server.ext;" +
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 "
        "-extfile server.ext;" +
        "openssl req" + key + " -keyout client.key -out client.csr -subj /CN=kaos-operator;" +
        "printf 'extendedKeyUsage=clientAuth\\n' > client.ext;" +
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2 "
        "-extfile client.ext;";
    std::string cmd = "sh -c \"" + script + "\" >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl failed";
  }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }
  static std::string cert(const char* name) { return certs_->file(name); }

  std::unique_ptr<StandIn> start(std::vector<std::string> tokens, bool client_ca) {
    StandInOptions options;
    options.crds = false;
    options.tokens = std::move(tokens);
    options.tls_cert = cert("server.pem");
    options.tls_key = cert("server.key");
    if (client_ca) options.client_ca = cert("ca.pem");
    auto started = StandIn::start(options);
    EXPECT_TRUE(started) << started.error().message;
    return started ? std::move(*started) : nullptr;
  }

  /// A kubeconfig for `url` trusting our CA (as data) with `user` (YAML flow mapping).
  std::string kubeconfig(const std::string& url, const std::string& user) {
    return dir_.write("config",
                      "apiVersion: v1\nkind: Config\ncurrent-context: test\n"
                      "clusters: [{name: c, cluster: {server: \"" +
                          url + "\", certificate-authority-data: " + base64_file(cert("ca.pem")) +
                          "}}]\n"
                          "users: [{name: u, user: " +
                          user +
                          "}]\n"
                          "contexts: [{name: test, context: {cluster: c, user: u, namespace: default}}]\n");
  }

  static inline TempDir* certs_ = nullptr;
  TempDir dir_;
  Loop loop_;
};

TEST_F(AuthTls, TokenOverHttpsWithCertificateAuthorityData) {
  auto standin = start({"good-token"}, false);
  ASSERT_TRUE(standin);
  auto config = load_kubeconfig({kubeconfig(standin->url(), "{token: good-token}")});
  ASSERT_TRUE(config) << config.error().message;
  RestClient client(loop_.executor(), *config);
  auto created = loop_.run(client.create(kConfigMaps, json::object{{"metadata", {{"name", "tls"}}}}));
  ASSERT_TRUE(created) << created.error().message;

  auto wrong = load_kubeconfig({kubeconfig(standin->url(), "{token: bad-token}")});
  ASSERT_TRUE(wrong);
  RestClient refused_client(loop_.executor(), *wrong);
  auto refused = loop_.run(refused_client.get(kConfigMaps, "default", "tls"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(status_reason(refused.error()), StatusReason::unauthorized);

  // Without our CA the handshake fails; with verification off it succeeds.
  ClusterConfig untrusted = *config;
  untrusted.tls.ca_pem.clear();
  RestClient untrusting(loop_.executor(), untrusted);
  auto handshake = loop_.run(server_version(untrusting));
  ASSERT_FALSE(handshake);
  EXPECT_EQ(handshake.error().kind, ErrorKind::connect);
  untrusted.tls.verify = false;
  RestClient insecure(loop_.executor(), untrusted);
  EXPECT_TRUE(loop_.run(server_version(insecure)));
}

TEST_F(AuthTls, RotatedTokenFileIsReadAgainAfterA401) {
  auto standin = start({"first"}, false);
  ASSERT_TRUE(standin);
  auto token_file = dir_.write("token", "first\n");
  auto config = load_kubeconfig({kubeconfig(standin->url(), "{tokenFile: ./token}")});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->auth.token_file, token_file);
  RestClient client(loop_.executor(), *config);
  ASSERT_TRUE(loop_.run(client.list(kConfigMaps, "default")));

  // The server now accepts only the new token, and the file holds it (rewritten in place).
  auto rotate = loop_.run(client.request("POST", "/_standin/auth/tokens", R"({"tokens": ["second"]})"));
  ASSERT_TRUE(rotate) << rotate.error().message;
  dir_.write("token", "second\n");
  auto after = loop_.run(client.list(kConfigMaps, "default"));
  ASSERT_TRUE(after) << after.error().message;
}

TEST_F(AuthTls, ExecPluginTokenIsSent) {
  auto standin = start({"from-plugin"}, false);
  ASSERT_TRUE(standin);
  dir_.write("plugin.sh",
             "#!/bin/sh\necho '{\"apiVersion\": \"client.authentication.k8s.io/v1\", \"kind\": \"ExecCredential\", "
             "\"status\": {\"token\": \"from-plugin\"}}'\n",
             true);
  auto config = load_kubeconfig(
      {kubeconfig(standin->url(), "{exec: {apiVersion: client.authentication.k8s.io/v1, command: ./plugin.sh}}")});
  ASSERT_TRUE(config) << config.error().message;
  RestClient client(loop_.executor(), *config);
  auto listed = loop_.run(client.list(kConfigMaps, "default"));
  ASSERT_TRUE(listed) << listed.error().message;
  auto requests = loop_.run(client.request("GET", "/_standin/requests"));
  ASSERT_TRUE(requests);
  EXPECT_NE(requests->find("token:from-plugin"), std::string::npos);
}

TEST_F(AuthTls, ClientCertificateAuthenticates) {
  auto standin = start({}, true);
  ASSERT_TRUE(standin);
  auto config =
      load_kubeconfig({kubeconfig(standin->url(), "{client-certificate-data: " + base64_file(cert("client.pem")) +
                                                      ", client-key-data: " + base64_file(cert("client.key")) + "}")});
  ASSERT_TRUE(config) << config.error().message;
  RestClient client(loop_.executor(), *config);
  auto listed = loop_.run(client.list(kConfigMaps, "default"));
  ASSERT_TRUE(listed) << listed.error().message;
  auto requests = loop_.run(client.request("GET", "/_standin/requests"));
  ASSERT_TRUE(requests);
  EXPECT_NE(requests->find("cert:kaos-operator"), std::string::npos) << *requests;

  ClusterConfig anonymous = *config;
  anonymous.tls.cert_pem.clear();
  anonymous.tls.key_pem.clear();
  RestClient without(loop_.executor(), anonymous);
  auto refused = loop_.run(without.list(kConfigMaps, "default"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(status_reason(refused.error()), StatusReason::unauthorized);
}

}  // namespace
}  // namespace kaos::k8s
