#pragma once
// JSON Schema validation (the subset of draft 2020-12 that tool input schemas use): type,
// enum, const, properties, required, additionalProperties, items, prefixItems, min/max
// (items, length, properties, value), exclusive bounds, multipleOf, pattern, anyOf, oneOf,
// allOf, not, and local $ref ("#/$defs/x", "#/definitions/x"). Unknown keywords (format,
// title, description, examples, ...) are annotations and never fail a value.
//
// Used where a peer's input must match a declared schema: MCP tool arguments (src/servers/mcp), and
// later tool calls produced by models.
#include <string>
#include <vector>

#include "core/json.hpp"

namespace kaos {

struct SchemaViolation {
  std::string path;     ///< JSON pointer-like location in the value: "", "/address/city", "/tags/2"
  std::string message;  ///< "expected integer, got string", "missing required property 'a'"
};

/// Checks `value` against `schema`. Returns every violation found (empty: valid), at most
/// `max_errors`. A malformed schema (e.g. an unresolvable $ref) is reported as a violation
/// too, so a bad tool definition fails loudly instead of accepting everything.
std::vector<SchemaViolation> validate_json_schema(const json::value& value, const json::value& schema,
                                                  std::size_t max_errors = 20);

/// "a: expected integer, got string; missing required property 'b'" — for error messages.
std::string describe_violations(const std::vector<SchemaViolation>& violations);

}  // namespace kaos
