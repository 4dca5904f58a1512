#include "cli/manifest_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

namespace kaos::cli {

namespace {
namespace fs = std::filesystem;

bool is_manifest_file(const fs::path& p) {
  auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

}  // namespace

bool read_sources(const std::vector<std::string>& paths, std::vector<std::pair<std::string, std::string>>& out) {
  bool ok = true;
  auto read_file = [&](const std::string& name) {
    std::ifstream in(name, std::ios::binary);
    if (!in) {
      std::cerr << name << ": cannot read file\n";
      ok = false;
      return;
    }
    out.emplace_back(name, std::string(std::istreambuf_iterator<char>(in), {}));
  };
  for (const auto& path : paths) {
    if (path == "-") {
      out.emplace_back("<stdin>", std::string(std::istreambuf_iterator<char>(std::cin), {}));
      continue;
    }
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> files;
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (it->is_regular_file(ec) && is_manifest_file(it->path())) files.push_back(it->path().string());
      }
      if (ec) {
        std::cerr << path << ": " << ec.message() << "\n";
        ok = false;
      }
      std::sort(files.begin(), files.end());
      if (files.empty()) std::cerr << path << ": no *.yaml, *.yml or *.json files\n";
      for (const auto& f : files) read_file(f);
    } else if (fs::exists(path, ec)) {
      read_file(path);
    } else {
      std::cerr << path << ": no such file or directory\n";
      ok = false;
    }
  }
  return ok;
}

}  // namespace kaos::cli
