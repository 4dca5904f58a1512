#pragma once
// NullMemory: MEMORY_ENABLED=false. Nothing is stored, nothing is replayed, nothing fails.
#include "servers/agent/memory/memory.hpp"

namespace kaos::agent {

class NullMemory final : public Memory {
 public:
  std::string_view kind() const override { return "null"; }
  bool enabled() const override { return false; }
  /// Succeeds without storing anything.
  net::Task<Result<void>> append(std::string session_id, std::vector<MemoryEvent> events) override;
  /// Always empty.
  net::Task<Result<std::vector<MemoryEvent>>> events(std::optional<std::string> session_id, std::size_t limit) override;
  /// Always empty.
  net::Task<Result<std::vector<std::string>>> sessions() override;
};

}  // namespace kaos::agent
