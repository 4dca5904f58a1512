// tests/fixtures: valid/ holds one system whose objects must all validate (notes allowed);
// each invalid/*.yaml names the errors it must produce in `# expect: ` comment lines, exactly
// as `kaos validate` prints them after the "file:line: " prefix.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include "api/kinds.hpp"
#include "api/manifest.hpp"
#include "core/yaml.hpp"

namespace kaos::api {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(KAOS_SOURCE_DIR) / "tests" / "fixtures";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    auto ext = e.path().extension();
    if (ext == ".yaml" || ext == ".yml" || ext == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Fixtures, ValidSetHasNoErrorsOrWarnings) {
  std::vector<std::pair<std::string, std::string>> sources;
  for (const auto& f : files_in(kFixtures / "valid")) sources.emplace_back(f.filename().string(), read(f));
  ASSERT_GE(sources.size(), 4u);
  auto set = load_manifests(sources);
  std::size_t kaos_objects = 0;
  for (const auto& e : set.entries) {
    kaos_objects += e.kaos_kind ? 1 : 0;
    for (const auto& d : e.diagnostics.items()) {
      EXPECT_EQ(d.severity, Severity::Note) << e.format(d);
    }
  }
  EXPECT_GE(kaos_objects, 8u);
}

TEST(Fixtures, EachInvalidFileProducesItsExpectedErrors) {
  auto files = files_in(kFixtures / "invalid");
  ASSERT_GE(files.size(), 20u);
  for (const auto& f : files) {
    std::string text = read(f);
    std::vector<std::string> expected;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("# expect: ", 0) == 0) expected.push_back(line.substr(10));
    }
    ASSERT_FALSE(expected.empty()) << f << " has no '# expect: ' line";
    auto set = load_manifests({{f.filename().string(), text}});
    std::vector<std::string> actual;
    for (const auto& e : set.entries) {
      for (const auto& d : e.diagnostics.items()) {
        if (d.severity == Severity::Error) actual.push_back(e.label() + ": " + d.to_string());
      }
    }
    EXPECT_EQ(actual, expected) << "fixture " << f.filename();
  }
}

// Field paths present in `v` ("config.memory.readScopes"; list items add nothing to the path).
void collect_paths(const json::value& v, const std::string& path, std::set<std::string>& out) {
  if (v.is_array()) {
    for (const auto& item : v.get_array()) collect_paths(item, path, out);
  } else if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      std::string child = path.empty() ? std::string(kv.key()) : path + "." + std::string(kv.key());
      out.insert(child);
      collect_paths(kv.value(), child, out);
    }
  }
}

void schema_paths(const Schema& s, const std::string& path, std::vector<std::string>& out) {
  const Schema* obj = s.type == SchemaType::Array && s.items ? s.items.get() : &s;
  for (const auto& p : obj->properties) {
    if (p.schema.description.rfind("Deprecated", 0) == 0) continue;  // accepted with a warning only
    std::string child = path.empty() ? p.name : path + "." + p.name;
    out.push_back(child);
    schema_paths(p.schema, child, out);
  }
}

TEST(Fixtures, ValidSetWritesEveryFieldOfEveryKind) {
  std::map<std::string, std::set<std::string>> written;  // kind -> spec paths as written (before defaults)
  for (const auto& f : files_in(kFixtures / "valid")) {
    auto docs = parse_yaml_documents(read(f));
    ASSERT_TRUE(docs.has_value()) << f;
    for (const auto& d : *docs) {
      std::vector<json::value> objects{d.value};
      if (const auto* items = d.value.as_object().if_contains("items")) {
        objects.assign(items->as_array().begin(), items->as_array().end());
      }
      for (const auto& o : objects) {
        const auto* kind = o.as_object().if_contains("kind");
        const auto* spec = o.as_object().if_contains("spec");
        if (kind && spec) collect_paths(*spec, "", written[std::string(kind->as_string())]);
      }
    }
  }
  for (const auto& kind : kaos_kinds()) {
    std::vector<std::string> paths;
    schema_paths(kind.spec_schema(), "", paths);
    for (const auto& p : paths) {
      EXPECT_TRUE(written[kind.kind].count(p)) << kind.kind << " spec." << p << " is not written by any valid fixture";
    }
  }
}

}  // namespace
}  // namespace kaos::api
