// Credentials: token file rotation, basic auth, and exec plugins as real child programs
// (shell scripts the test writes): v1 and v1beta1 answers, caching until expiry, a slow
// plugin killed at its timeout, a failing one.
#include "k8s/credentials.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "k8s/standin_test_support.hpp"
#include "net/testing.hpp"

namespace kaos::k8s {
namespace {

using net::testing::Loop;
using testing::TempDir;

Result<Credential> current(Loop& loop, CredentialSource& source) {
  return loop.run(source.current());
}

int runs(const TempDir& dir) {
  std::ifstream in(dir.file("runs"));
  int n = 0;
  std::string line;
  while (std::getline(in, line)) ++n;
  return n;
}

/// A plugin that counts its runs and prints an ExecCredential with `status`.
ExecPlugin script_plugin(const TempDir& dir, const std::string& api_version, const std::string& status) {
  std::string script = "#!/bin/sh\necho run >> '" + dir.file("runs") + "'\n" +
                       "case \"$KUBERNETES_EXEC_INFO\" in *'\"interactive\":false'*) ;; *) exit 9;; esac\n" +
                       "cat <<EOF\n{\"apiVersion\": \"" + api_version +
                       "\", \"kind\": \"ExecCredential\", \"status\": " + status + "}\nEOF\n";
  ExecPlugin plugin;
  plugin.command = dir.write("plugin.sh", script, true);
  plugin.api_version = api_version;
  return plugin;
}

TEST(Credentials, StaticTokenAndBasic) {
  Loop loop;
  AuthConfig token_auth;
  token_auth.token = "abc";
  CredentialSource token(token_auth);
  EXPECT_EQ(current(loop, token)->authorization, "Bearer abc");
  AuthConfig basic_auth;
  basic_auth.username = "dave";
  basic_auth.password = "secret";
  CredentialSource basic(basic_auth);
  EXPECT_EQ(current(loop, basic)->authorization, "Basic ZGF2ZTpzZWNyZXQ=");
  CredentialSource none(AuthConfig{});
  EXPECT_EQ(current(loop, none)->authorization, "");
}

TEST(Credentials, TokenFileIsReadAgainWhenItChanges) {
  Loop loop;
  TempDir dir;
  auto file = dir.write("token", "first\n");
  AuthConfig auth;
  auth.token_file = file;
  CredentialSource source(auth);
  EXPECT_EQ(current(loop, source)->authorization, "Bearer first");
  // Rotation as the kubelet does it: a new file moved into place (a new inode).
  dir.write("token.new", "second-token");
  std::filesystem::rename(dir.file("token.new"), file);
  EXPECT_EQ(current(loop, source)->authorization, "Bearer second-token");
  std::filesystem::remove(file);
  auto gone = current(loop, source);
  ASSERT_FALSE(gone);
  EXPECT_NE(gone.error().message.find(file), std::string::npos);
}

TEST(ExecPlugin, V1TokenIsCachedUntilExpiry) {
  Loop loop;
  TempDir dir;
  auto plugin = script_plugin(dir, "client.authentication.k8s.io/v1",
                              R"({"token": "from-plugin", "expirationTimestamp": "2999-01-01T00:00:00Z"})");
  AuthConfig auth;
  auth.exec = plugin;
  CredentialSource source(auth);
  for (int i = 0; i < 3; ++i) {
    auto c = current(loop, source);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->authorization, "Bearer from-plugin");
  }
  EXPECT_EQ(runs(dir), 1);
  EXPECT_TRUE(source.invalidate());  // after a 401
  ASSERT_TRUE(current(loop, source));
  EXPECT_EQ(runs(dir), 2);
}

TEST(ExecPlugin, ExpiredTokenRunsThePluginAgain) {
  Loop loop;
  TempDir dir;
  auto plugin = script_plugin(dir, "client.authentication.k8s.io/v1beta1",
                              R"({"token": "old", "expirationTimestamp": "2001-01-01T00:00:00.5+02:00"})");
  AuthConfig auth;
  auth.exec = plugin;
  CredentialSource source(auth);
  ASSERT_TRUE(current(loop, source));
  ASSERT_TRUE(current(loop, source));
  EXPECT_EQ(runs(dir), 2);
}

TEST(ExecPlugin, ClientCertificateDataIsAccepted) {
  Loop loop;
  TempDir dir;
  auto plugin = script_plugin(dir, "client.authentication.k8s.io/v1",
                              R"({"clientCertificateData": "CERT", "clientKeyData": "KEY"})");
  auto cred = loop.run(run_exec_plugin(plugin));
  ASSERT_TRUE(cred) << cred.error().message;
  EXPECT_EQ(cred->client_cert_pem, "CERT");
  EXPECT_EQ(cred->client_key_pem, "KEY");
  EXPECT_FALSE(cred->expires.has_value());
}

TEST(ExecPlugin, WrongApiVersionIsAnError) {
  Loop loop;
  TempDir dir;
  auto plugin = script_plugin(dir, "client.authentication.k8s.io/v1beta1", R"({"token": "x"})");
  plugin.api_version = "client.authentication.k8s.io/v1";
  auto cred = loop.run(run_exec_plugin(plugin));
  ASSERT_FALSE(cred);
  EXPECT_EQ(cred.error().kind, ErrorKind::invalid);
  EXPECT_NE(cred.error().message.find(plugin.command), std::string::npos);
}

TEST(ExecPlugin, SlowPluginIsKilledAtTheTimeout) {
  Loop loop;
  TempDir dir;
  ExecPlugin plugin;
  plugin.command = dir.write("slow.sh", "#!/bin/sh\necho $$ > '" + dir.file("pid") + "'\nsleep 30\n", true);
  plugin.timeout = std::chrono::seconds(1);
  auto started = std::chrono::steady_clock::now();
  auto cred = loop.run(run_exec_plugin(plugin));
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(cred);
  EXPECT_EQ(cred.error().kind, ErrorKind::timeout);
  EXPECT_NE(cred.error().message.find("slow.sh"), std::string::npos);
  EXPECT_LT(took, std::chrono::seconds(10));
  std::ifstream pid_file(dir.file("pid"));
  int pid = 0;
  pid_file >> pid;
  ASSERT_GT(pid, 0);
  EXPECT_NE(::kill(pid, 0), 0);  // gone (killed and reaped)
}

TEST(ExecPlugin, FailingPluginNamesItselfAndItsStderr) {
  Loop loop;
  TempDir dir;
  ExecPlugin plugin;
  plugin.command = dir.write("fail.sh", "#!/bin/sh\necho 'login expired: run sso login' >&2\nexit 3\n", true);
  auto cred = loop.run(run_exec_plugin(plugin));
  ASSERT_FALSE(cred);
  EXPECT_NE(cred.error().message.find("fail.sh"), std::string::npos) << cred.error().message;
  EXPECT_NE(cred.error().message.find("login expired"), std::string::npos) << cred.error().message;
  EXPECT_NE(cred.error().message.find("code 3"), std::string::npos) << cred.error().message;

  ExecPlugin missing;
  missing.command = dir.file("no-such-plugin");
  missing.install_hint = "brew install the-plugin";
  auto not_started = loop.run(run_exec_plugin(missing));
  ASSERT_FALSE(not_started);
  EXPECT_NE(not_started.error().message.find("no-such-plugin"), std::string::npos);
  EXPECT_NE(not_started.error().message.find("brew install"), std::string::npos);
}

}  // namespace
}  // namespace kaos::k8s
