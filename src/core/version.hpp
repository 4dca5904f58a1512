#pragma once
#include <string_view>

namespace kaos {
/// Semantic version of this build (CMake project version).
std::string_view version();
/// Git commit the build was made from ("unknown" outside a checkout).
std::string_view git_commit();
}  // namespace kaos
