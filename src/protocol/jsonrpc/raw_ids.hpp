#pragma once
// Internal to jsonrpc: the raw text of each message's "id" member in a body that already parsed
// as JSON. Boost.JSON 1.81 reads integers beyond 64 bits as doubles; the raw text is what lets
// such an id be answered exactly.
#include <cstddef>
#include <string_view>
#include <vector>

namespace kaos::protocol::jsonrpc::detail {

/// For a body holding one object: one entry; for an array: one entry per element (`count`
/// elements). An entry is the raw text of the element's top-level "id" member's value, or
/// empty when the element is not an object, has no "id", or spells the key with escapes.
/// The body must be valid JSON (parse it first); the scan is linear and allocates only the
/// result.
std::vector<std::string_view> raw_ids(std::string_view body, std::size_t count);

}  // namespace kaos::protocol::jsonrpc::detail
