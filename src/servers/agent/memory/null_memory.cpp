#include "servers/agent/memory/null_memory.hpp"

namespace kaos::agent {

net::Task<Result<void>> NullMemory::append(std::string, std::vector<MemoryEvent>) {
  co_return Result<void>();
}

net::Task<Result<std::vector<MemoryEvent>>> NullMemory::events(std::optional<std::string>, std::size_t) {
  co_return std::vector<MemoryEvent>();
}

net::Task<Result<std::vector<std::string>>> NullMemory::sessions() {
  co_return std::vector<std::string>();
}

}  // namespace kaos::agent
