#pragma once
// Kubernetes resource quantities ("5Gi", "500m", "1.5", "2e3", "128974848").
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace kaos {

struct Quantity {
  long double value = 0;  ///< in base units (bytes, cores, ...): "500m" → 0.5, "1Ki" → 1024
  std::string text;       ///< as written, for round-tripping
};

/// Parses a quantity as apimachinery's resource.ParseQuantity accepts it: a signed decimal
/// number with an optional binary (Ki Mi Gi Ti Pi Ei), decimal (n u m k M G T P E) or
/// exponent (e3, E-2) suffix.
Result<Quantity> parse_quantity(std::string_view text);

}  // namespace kaos
