// Manifests through `kaos validate` (api/manifest: YAML or JSON → parse, default, validate,
// cross-checks), then the report validate prints. The first byte picks YAML or JSON. Invariants:
// no crash; every entry with errors says why, every entry without has a resource.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/manifest.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string source = (data[0] & 1) ? "fuzz.json" : "fuzz.yaml";
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto set = kaos::api::load_manifests({{source, text}});
  for (const auto& entry : set.entries) {
    FUZZ_CHECK(entry.has_errors() != entry.resource.has_value(), "an entry is valid xor has errors");
    (void)entry.label();
    for (const auto& d : entry.diagnostics.items()) {
      FUZZ_CHECK(!d.message.empty(), "a finding without a message");
      (void)entry.format(d);
    }
  }
  return 0;
}
