// Kubeconfig parsing and merging, in-cluster config and load_config's precedence, on files
// written to a temporary folder.
#include "k8s/config.hpp"

#include <gtest/gtest.h>

#include "k8s/standin_test_support.hpp"

namespace kaos::k8s {
namespace {

using testing::TempDir;

const char* kFirst = R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev
  cluster:
    server: https://dev.example:6443/
    certificate-authority: certs/ca.pem
    tls-server-name: api.dev.example
- name: shared
  cluster:
    server: https://first.example
users:
- name: alice
  user:
    client-certificate: certs/alice.pem
    client-key: /abs/alice.key
contexts:
- name: dev
  context: {cluster: dev, user: alice, namespace: team}
- name: shared
  context: {cluster: shared, user: alice}
)";

// The *-data values are base64 of "PEM-CA\n" and "PEM-CERT\n".
const char* kSecond = R"(apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: shared
  cluster:
    server: https://second.example
- name: prod
  cluster:
    server: https://prod.example
    certificate-authority-data: UEVNLUNBCg==
    insecure-skip-tls-verify: true
users:
- name: bob
  user:
    token: t0ken
    client-certificate-data: UEVNLUNFUlQK
    client-key-data: UEVNLUNFUlQK
- name: carol
  user:
    tokenFile: ./carol.token
- name: dave
  user:
    username: dave
    password: secret
- name: exec
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ./bin/plugin
      args: [get-token, --cluster, prod]
      env: [{name: REGION, value: eu}]
      installHint: install the plugin
contexts:
- name: prod
  context: {cluster: prod, user: bob}
- name: carol
  context: {cluster: prod, user: carol}
- name: dave
  context: {cluster: prod, user: dave}
- name: exec
  context: {cluster: prod, user: exec}
- name: broken
  context: {cluster: nowhere, user: bob}
)";

TEST(Kubeconfig, ContextClusterUserAndRelativePaths) {
  TempDir dir;
  auto first = dir.write("a/config", kFirst);
  auto config = load_kubeconfig({first});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->server, "https://dev.example:6443");
  EXPECT_EQ(config->namespace_, "team");
  EXPECT_EQ(config->tls.ca_file, dir.file("a/certs/ca.pem"));
  EXPECT_EQ(config->tls.server_name, "api.dev.example");
  EXPECT_TRUE(config->tls.verify);
  EXPECT_EQ(config->tls.cert_file, dir.file("a/certs/alice.pem"));
  EXPECT_EQ(config->tls.key_file, "/abs/alice.key");
  EXPECT_TRUE(config->auth.empty());
  EXPECT_NE(config->source.find("context dev"), std::string::npos);
}

TEST(Kubeconfig, FirstFileWinsForEntriesAndCurrentContext) {
  TempDir dir;
  auto first = dir.write("a/config", kFirst);
  auto second = dir.write("b/config", kSecond);
  auto merged = load_kubeconfig({dir.file("missing"), first, second});
  ASSERT_TRUE(merged) << merged.error().message;
  EXPECT_EQ(merged->server, "https://dev.example:6443");  // current-context of the first file
  auto shared = load_kubeconfig({first, second}, "shared");
  ASSERT_TRUE(shared) << shared.error().message;
  EXPECT_EQ(shared->server, "https://first.example");  // cluster "shared" from the first file
  EXPECT_EQ(shared->namespace_, "default");
  auto reversed = load_kubeconfig({second, first}, "shared");
  ASSERT_TRUE(reversed) << reversed.error().message;
  EXPECT_EQ(reversed->server, "https://second.example");
  auto prod = load_kubeconfig({second, first});
  ASSERT_TRUE(prod) << prod.error().message;
  EXPECT_EQ(prod->server, "https://prod.example");
}

TEST(Kubeconfig, DataFieldsTokensBasicAndExec) {
  TempDir dir;
  auto second = dir.write("b/config", kSecond);
  auto prod = load_kubeconfig({second});
  ASSERT_TRUE(prod) << prod.error().message;
  EXPECT_EQ(prod->tls.ca_pem, "PEM-CA\n");
  EXPECT_TRUE(prod->tls.ca_file.empty());
  EXPECT_FALSE(prod->tls.verify);
  EXPECT_EQ(prod->tls.cert_pem, "PEM-CERT\n");
  EXPECT_EQ(prod->auth.token, "t0ken");
  auto carol = load_kubeconfig({second}, "carol");
  ASSERT_TRUE(carol) << carol.error().message;
  EXPECT_EQ(carol->auth.token_file, dir.file("b/carol.token"));
  auto dave = load_kubeconfig({second}, "dave");
  ASSERT_TRUE(dave) << dave.error().message;
  EXPECT_EQ(dave->auth.username, "dave");
  EXPECT_EQ(dave->auth.password, "secret");
  auto exec = load_kubeconfig({second}, "exec");
  ASSERT_TRUE(exec) << exec.error().message;
  ASSERT_TRUE(exec->auth.exec.has_value());
  EXPECT_EQ(exec->auth.exec->command, dir.file("b/bin/plugin"));
  EXPECT_EQ(exec->auth.exec->api_version, "client.authentication.k8s.io/v1beta1");
  EXPECT_EQ(exec->auth.exec->args, (std::vector<std::string>{"get-token", "--cluster", "prod"}));
  EXPECT_EQ(exec->auth.exec->env.at("REGION"), "eu");
  EXPECT_EQ(exec->auth.exec->install_hint, "install the plugin");
}

TEST(Kubeconfig, ErrorsNameTheFileTheFieldAndTheFix) {
  TempDir dir;
  auto second = dir.write("b/config", kSecond);
  auto broken = load_kubeconfig({second}, "broken");
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find(second), std::string::npos) << broken.error().message;
  EXPECT_NE(broken.error().message.find("contexts[name=broken].cluster"), std::string::npos);
  EXPECT_NE(broken.error().message.find("add it under clusters"), std::string::npos);

  auto unknown = load_kubeconfig({second}, "nope");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("'nope'"), std::string::npos);

  auto bad_data = dir.write("c/config", R"(current-context: x
clusters: [{name: x, cluster: {server: "https://x", certificate-authority-data: "!!!"}}]
contexts: [{name: x, context: {cluster: x}}]
)");
  auto decoded = load_kubeconfig({bad_data});
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().kind, ErrorKind::invalid);
  EXPECT_NE(decoded.error().message.find("clusters[name=x].certificate-authority-data is not base64"),
            std::string::npos)
      << decoded.error().message;

  auto no_current = dir.write("d/config", "clusters: []\n");
  auto none = load_kubeconfig({no_current});
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("--context"), std::string::npos);

  auto missing = load_kubeconfig({dir.file("nothing-here")});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::not_found);

  auto bad_exec = dir.write("e/config", R"(current-context: x
clusters: [{name: x, cluster: {server: "https://x"}}]
users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: p}}}]
contexts: [{name: x, context: {cluster: x, user: u}}]
)");
  auto exec = load_kubeconfig({bad_exec});
  ASSERT_FALSE(exec);
  EXPECT_NE(exec.error().message.find("users[name=u].exec.apiVersion"), std::string::npos) << exec.error().message;
}

TEST(InClusterConfig, ReadsTheServiceAccountFolder) {
  TempDir dir;
  dir.write("sa/token", "abc\n");
  dir.write("sa/ca.crt", "CA");
  dir.write("sa/namespace", "kaos-system");
  auto config = in_cluster_config("10.0.0.1", "443", dir.file("sa"));
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->server, "https://10.0.0.1:443");
  EXPECT_EQ(config->auth.token_file, dir.file("sa/token"));
  EXPECT_EQ(config->tls.ca_file, dir.file("sa/ca.crt"));
  EXPECT_EQ(config->namespace_, "kaos-system");
  auto v6 = in_cluster_config("fd00::1", "6443", dir.file("sa"));
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->server, "https://[fd00::1]:6443");

  auto outside = in_cluster_config("", "", dir.file("sa"));
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().kind, ErrorKind::not_found);
  auto no_token = in_cluster_config("10.0.0.1", "443", dir.file("empty"));
  ASSERT_FALSE(no_token);
  EXPECT_NE(no_token.error().message.find("token"), std::string::npos);
}

TEST(LoadConfig, FlagThenEnvironmentThenHomeThenInCluster) {
  TempDir dir;
  auto first = dir.write("a/config", kFirst);
  auto second = dir.write("b/config", kSecond);
  dir.write("home/.kube/config", kSecond);
  dir.write("sa/token", "abc");
  ConfigEnvironment env;
  env.kubeconfig = second + ":" + first;
  env.home = dir.file("home");
  env.service_host = "10.0.0.1";
  env.service_port = "443";
  env.service_account_root = dir.file("sa");

  auto from_flag = load_config(first, "", env);
  ASSERT_TRUE(from_flag) << from_flag.error().message;
  EXPECT_EQ(from_flag->server, "https://dev.example:6443");
  auto missing_flag = load_config(dir.file("nope"), "", env);
  ASSERT_FALSE(missing_flag);
  EXPECT_NE(missing_flag.error().message.find("--kubeconfig"), std::string::npos);

  auto from_env = load_config("", "shared", env);
  ASSERT_TRUE(from_env) << from_env.error().message;
  EXPECT_EQ(from_env->server, "https://second.example");

  env.kubeconfig.clear();
  auto from_home = load_config("", "", env);
  ASSERT_TRUE(from_home) << from_home.error().message;
  EXPECT_EQ(from_home->server, "https://prod.example");

  env.home = dir.file("nohome");
  auto in_cluster = load_config("", "", env);
  ASSERT_TRUE(in_cluster) << in_cluster.error().message;
  EXPECT_EQ(in_cluster->server, "https://10.0.0.1:443");
  auto context_without_file = load_config("", "dev", env);
  ASSERT_FALSE(context_without_file);
}

}  // namespace
}  // namespace kaos::k8s
