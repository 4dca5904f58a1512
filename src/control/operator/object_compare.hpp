#pragma once
// Whether a live object already is what the operator would write, so a no-op reconcile writes
// nothing. The API server adds to what we send (defaults, clusterIP, managedFields, status), so
// the test is "the live object covers the desired one": every field we set has our value.
#include "core/json.hpp"

namespace kaos::control::operator_ {

/// True when every field of `desired` is present in `live` with an equal value: objects
/// recursively (extra live fields are fine), arrays element by element with the same length,
/// numbers by value (1 == 1.0), and a desired null matches an absent or null field.
bool covers(const json::value& live, const json::value& desired);
bool covers(const json::object& live, const json::object& desired);

}  // namespace kaos::control::operator_
