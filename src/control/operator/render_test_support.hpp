#pragma once
// Helpers for the renderer tests: manifests from YAML, objects by kind, JSON paths.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/manifest.hpp"
#include "control/operator/render.hpp"
#include "plan/plan_test_support.hpp"

namespace kaos::control::operator_::testing {

/// Manifests from YAML, as the plan's tests read them.
using plan::testing::parse;

/// The object of `kind` named `name` among `objects` (a failed expectation and an empty object
/// when absent).
inline bool is(const json::value& v, std::string_view s) {
  return v.is_string() && v.get_string() == s;
}

inline const json::object* lookup(const std::vector<json::object>& objects, std::string_view kind,
                                  std::string_view name) {
  for (const auto& o : objects)
    if (is(o.at("kind"), kind) && is(o.at("metadata").as_object().at("name"), name)) return &o;
  return nullptr;
}

inline json::object find(const std::vector<json::object>& objects, std::string_view kind, std::string_view name) {
  if (const auto* o = lookup(objects, kind, name)) return *o;
  ADD_FAILURE() << kind << "/" << name << " not rendered";
  return {};
}

inline bool has(const std::vector<json::object>& objects, std::string_view kind, std::string_view name) {
  return lookup(objects, kind, name) != nullptr;
}

/// The value at a "/"-separated path of object keys and array indexes ("spec/template/spec").
inline const json::value& at(const json::value& v, std::string_view path) {
  static const json::value missing;
  const json::value* cur = &v;
  while (!path.empty()) {
    auto slash = path.find('/');
    auto part = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (const auto* o = cur->if_object()) {
      cur = o->if_contains(part);
    } else if (const auto* a = cur->if_array()) {
      std::size_t i = std::stoul(std::string(part));
      cur = i < a->size() ? &(*a)[i] : nullptr;
    } else {
      cur = nullptr;
    }
    if (!cur) {
      ADD_FAILURE() << "no " << part;
      return missing;
    }
  }
  return *cur;
}

/// Same, from an object (without it, an object would convert to a temporary value and the
/// reference would dangle).
inline const json::value& at(const json::object& o, std::string_view path) {
  static const json::value missing;
  auto slash = path.find('/');
  const auto* first = o.if_contains(path.substr(0, slash));
  if (!first) {
    ADD_FAILURE() << "no " << path.substr(0, slash);
    return missing;
  }
  return slash == std::string_view::npos ? *first : at(*first, path.substr(slash + 1));
}

inline std::string text(const json::value& v) {
  return to_json(v);
}

/// The env of the first container as "NAME=value" lines ("NAME<-{valueFrom json}" for references).
inline std::vector<std::string> env_lines(const json::object& deployment) {
  std::vector<std::string> out;
  for (const auto& e : at(deployment, "spec/template/spec/containers/0/env").as_array()) {
    const auto& o = e.as_object();
    std::string name(o.at("name").as_string());
    if (const auto* v = o.if_contains("value"))
      out.push_back(name + "=" + std::string(v->as_string()));
    else
      out.push_back(name + "<-" + text(o.at("valueFrom")));
  }
  return out;
}

}  // namespace kaos::control::operator_::testing
