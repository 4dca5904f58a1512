#pragma once
// Base64 (RFC 4648, standard alphabet) as Kubernetes writes it: Secret `data`, kubeconfig
// `*-data` fields.
#include <optional>
#include <string>
#include <string_view>

namespace kaos {

/// Decodes standard base64: padding optional, whitespace ignored; nullopt when malformed (a
/// character outside the alphabet, data after padding, a dangling sixth of a byte).
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace kaos
