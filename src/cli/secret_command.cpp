// `kaos secret set|list|delete`: the local secret store that secretKeyRef env values resolve
// from when the manifests carry no Secret (docs/local.md). Values are read without echo and
// never printed.
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "control/local/secrets.hpp"

namespace kaos::cli {

namespace {

std::string read_secret_value(const std::string& prompt) {
  std::string value;
  if (::isatty(STDIN_FILENO)) {
    std::cerr << prompt << std::flush;
    termios old{};
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::getline(std::cin, value);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  } else {
    std::getline(std::cin, value);  // one line from a pipe: echo "$KEY" | kaos secret set ...
  }
  return value;
}

}  // namespace

void add_secret_commands(CLI::App& app, CommandContext& ctx) {
  auto* secret = app.add_subcommand(
      "secret", "The local secret store: values for secretKeyRef when the manifests carry no Secret document.");
  secret->require_subcommand(1);
  struct Flags {
    std::string name, key, ns = "default";
  };
  auto f = std::make_shared<Flags>();
  auto* set =
      secret->add_subcommand("set", "Store a value (read from the terminal without echo, or one line of stdin)");
  set->add_option("name", f->name, "Secret name (as in secretKeyRef.name)")->required();
  set->add_option("key", f->key, "Key (as in secretKeyRef.key)")->required();
  set->add_option("-n,--namespace", f->ns, "Namespace")->capture_default_str();
  set->callback([f, &ctx] {
    auto value = read_secret_value("value for " + f->name + "/" + f->key + ": ");
    if (value.empty()) {
      std::cerr << "kaos secret set: empty value; nothing stored\n";
      ctx.exit_code = 1;
      return;
    }
    local::SecretStore store(local::StateDir::resolve());
    if (auto ok = store.set(f->ns, f->name, f->key, value); !ok) {
      std::cerr << "kaos secret set: " << ok.error().message << "\n";
      ctx.exit_code = 1;
      return;
    }
    std::cout << "stored " << f->ns << "/" << f->name << " key " << f->key
              << " (running workloads see it after `kaos up` restarts them)\n";
  });
  auto* list = secret->add_subcommand("list", "Secret names and keys (never values)");
  list->callback([&ctx] {
    local::SecretStore store(local::StateDir::resolve());
    auto all = store.load();
    if (!all) {
      std::cerr << "kaos secret list: " << all.error().message << "\n";
      ctx.exit_code = 1;
      return;
    }
    Table t({"NAMESPACE/NAME", "KEYS"});
    for (const auto& [name, keys] : *all) {
      std::string k;
      for (const auto& [key, value] : keys) k += (k.empty() ? "" : ", ") + key;
      t.add_row({name, k});
    }
    if (t.empty())
      std::cout << "no secrets stored\n";
    else
      t.print(std::cout, Style(stdout));
  });
  auto d = std::make_shared<Flags>();
  auto* del = secret->add_subcommand("delete", "Remove a key, or the whole secret without KEY");
  del->add_option("name", d->name, "Secret name")->required();
  del->add_option("key", d->key, "Key");
  del->add_option("-n,--namespace", d->ns, "Namespace")->capture_default_str();
  del->callback([d, &ctx] {
    local::SecretStore store(local::StateDir::resolve());
    auto removed = store.remove(d->ns, d->name, d->key);
    if (!removed || !*removed) {
      std::cerr << "kaos secret delete: " << (removed ? "no such secret or key" : removed.error().message) << "\n";
      ctx.exit_code = 1;
    }
  });
}

}  // namespace kaos::cli
