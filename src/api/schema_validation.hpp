#pragma once
// Structural validation and defaulting of a JSON value against a Schema, with the semantics
// the Kubernetes API server applies to a CRD with a structural schema and strict field
// validation: nulls in declared objects are dropped, absent fields with a default get it,
// unknown fields, wrong types, enums, bounds, required fields and CEL rules are errors.
#include <string>

#include "api/diagnostics.hpp"
#include "api/schema.hpp"
#include "core/json.hpp"

namespace kaos::api {

/// Drops null-valued fields of declared objects and fills absent fields that have a default,
/// recursively. Values of the wrong type are left alone (validation reports them).
void apply_defaults(json::value& value, const Schema& schema);

/// Appends one Error per problem found under `value` (all of them, not the first), with paths
/// rooted at `path`. CEL rules of an object are evaluated only when its subtree has no type
/// or unknown-field errors (the rule could not be evaluated meaningfully otherwise).
void validate_against_schema(const json::value& value, const Schema& schema, const std::string& path, Diagnostics& out);

/// Formats a number the way messages quote it: 5, 0.5.
std::string format_number(double v);

}  // namespace kaos::api
