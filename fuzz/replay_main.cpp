// Replays a fuzz target's committed inputs without libFuzzer: the regular build (GCC, `make
// test`) compiles every target and runs each input of its corpus once. So an interface change
// cannot silently break `make fuzz` (it did once), and an input that once crashed, kept in the
// corpus, stays harmless. Finding new inputs is `make fuzz`'s job, not this one's.
//
// Usage: fuzz_replay_NAME DIR... — every regular file below each DIR, in name order; exits 1
// when no input was found (a moved corpus must not pass by replaying nothing).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

// libFuzzer's names, not ours.
// NOLINTBEGIN(readability-identifier-naming)
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
// Defined only by targets that need set-up (python_schema); weak, so the others link.
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);
// NOLINTEND(readability-identifier-naming)

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<std::filesystem::path> inputs;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    for (std::filesystem::recursive_directory_iterator it(argv[i], ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file()) inputs.push_back(it->path());
    if (ec) std::fprintf(stderr, "cannot read %s: %s\n", argv[i], ec.message().c_str());
  }
  std::sort(inputs.begin(), inputs.end());
  for (const auto& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("replayed %zu input(s)\n", inputs.size());
  return inputs.empty() ? 1 : 0;
}
