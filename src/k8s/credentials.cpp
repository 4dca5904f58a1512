// CredentialSource: the Authorization (and an exec plugin's client certificate) per request.
#include "k8s/credentials.hpp"

#include <sys/stat.h>

#include <fstream>
#include <mutex>
#include <sstream>

namespace kaos::k8s {
namespace {

std::string encode_base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    std::uint32_t n = (std::uint8_t(in[i]) << 16) | (std::uint8_t(in[i + 1]) << 8) | std::uint8_t(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (std::size_t rest = in.size() - i) {
    std::uint32_t n = std::uint8_t(in[i]) << 16;
    if (rest == 2) n |= std::uint8_t(in[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

/// What tells a rewritten token file apart (kubelet swaps a symlink, so the inode changes).
struct FileIdentity {
  ino_t inode = 0;
  off_t size = -1;
  std::int64_t mtime_ns = -1;
  bool operator==(const FileIdentity&) const = default;
};

}  // namespace

struct CredentialSource::Impl {
  AuthConfig auth;
  std::mutex mu;
  FileIdentity token_file_identity;
  std::string token_from_file;
  std::optional<ExecCredential> exec_cached;

  Result<std::string> read_token_file() {
    struct stat st {};
    if (::stat(auth.token_file.c_str(), &st) != 0)
      return Error::io("cannot read the token file " + auth.token_file + ": " + std::strerror(errno));
    FileIdentity now{st.st_ino, st.st_size, std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
    std::lock_guard lock(mu);
    if (now == token_file_identity && !token_from_file.empty()) return token_from_file;
    std::ifstream in(auth.token_file);
    std::ostringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
    if (token.empty()) return Error::invalid("the token file " + auth.token_file + " is empty");
    token_file_identity = now;
    token_from_file = token;
    return token;
  }

  std::optional<ExecCredential> fresh_exec() {
    std::lock_guard lock(mu);
    if (exec_cached && (!exec_cached->expires || std::chrono::system_clock::now() < *exec_cached->expires))
      return exec_cached;
    return std::nullopt;
  }
};

CredentialSource::CredentialSource(AuthConfig auth) : impl_(std::make_shared<Impl>()) {
  impl_->auth = std::move(auth);
}
CredentialSource::~CredentialSource() = default;

net::Task<Result<Credential>> CredentialSource::current() {
  auto impl = impl_;
  const AuthConfig& a = impl->auth;
  Credential c;
  if (!a.token.empty()) {
    c.authorization = "Bearer " + a.token;
  } else if (!a.token_file.empty()) {
    auto token = impl->read_token_file();
    if (!token) co_return token.error();
    c.authorization = "Bearer " + *token;
  } else if (!a.username.empty()) {
    c.authorization = "Basic " + encode_base64(a.username + ":" + a.password);
  } else if (a.exec) {
    auto cred = impl->fresh_exec();
    if (!cred) {
      // Concurrent callers that find nothing cached may each run the plugin; the last answer stays.
      auto ran = co_await run_exec_plugin(*a.exec);
      if (!ran) co_return ran.error();
      std::lock_guard lock(impl->mu);
      impl->exec_cached = *ran;
      cred = std::move(*ran);
    }
    if (!cred->token.empty()) c.authorization = "Bearer " + cred->token;
    c.client_cert_pem = cred->client_cert_pem;
    c.client_key_pem = cred->client_key_pem;
  }
  co_return c;
}

bool CredentialSource::invalidate() {
  std::lock_guard lock(impl_->mu);
  bool had = impl_->exec_cached.has_value() || !impl_->token_from_file.empty();
  impl_->exec_cached.reset();
  impl_->token_from_file.clear();
  impl_->token_file_identity = {};
  return had;
}

}  // namespace kaos::k8s
