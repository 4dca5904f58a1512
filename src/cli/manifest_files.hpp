#pragma once
// Reading manifests from the command line: files, directories (recursive, sorted, *.yaml,
// *.yml, *.json) and '-' for stdin. Shared by validate, up, apply and delete.
#include <string>
#include <utility>
#include <vector>

namespace kaos::cli {

/// Appends (name, text) for every manifest under `paths`. A path that cannot be read is
/// reported on stderr and makes it return false (the others are still read).
bool read_sources(const std::vector<std::string>& paths, std::vector<std::pair<std::string, std::string>>& out);

}  // namespace kaos::cli
