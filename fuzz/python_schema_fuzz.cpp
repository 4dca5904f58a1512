// The python-string type-hint schema generator (servers/mcp/python/worker/worker.py, the same
// generated source the worker embeds): the input's bytes choose the type hints and defaults of
// a tool function from a fixed grammar (so no input is arbitrary code: no calls, no imports
// beyond typing); the worker's `load` handler turns the source into tools/list entries, and the
// line it would send is read back as the server reads it (core parse_json at its default depth).
// Invariants: `load` answers loaded or load_error (any other Python exception would kill the
// worker), and the line it sends is JSON the server accepts.
#include <pybind11/embed.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "fuzz_check.hpp"

namespace kaos::mcp::python_worker {
extern const char kWorkerPy[];
}

namespace {

namespace py = pybind11;

class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  unsigned next() { return pos_ < size_ ? data_[pos_++] : 0; }
  bool empty() const { return pos_ >= size_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

constexpr int kMaxDepth = 8;

std::string literal(Bytes& b) {
  static const char* const kValues[] = {"1",    "-1",  "0",    "1e400", "-1e400", "'a'",       "'\\x00'", "True",
                                        "None", "1.5", "b'x'", "''",    "2**100", "'\\ud800'", "-0.0",    "'é'"};
  return kValues[b.next() % std::size(kValues)];
}

std::string hint(Bytes& b, int depth) {
  static const char* const kLeaves[] = {"int",
                                        "str",
                                        "float",
                                        "bool",
                                        "None",
                                        "Any",
                                        "object",
                                        "list",
                                        "dict",
                                        "tuple",
                                        "set",
                                        "frozenset",
                                        "List",
                                        "Dict",
                                        "Tuple",
                                        "Set",
                                        "type",
                                        "bytes",
                                        "complex",
                                        "typing.Callable",
                                        "typing.Iterable",
                                        "'int'",
                                        "'Undefined'"};
  unsigned choice = b.next();
  if (depth >= kMaxDepth || b.empty() || choice % 2 == 0) return kLeaves[(choice / 2) % std::size(kLeaves)];
  switch ((choice / 2) % 16) {
    case 0:
      return "list[" + hint(b, depth + 1) + "]";
    case 1:
      return "dict[str, " + hint(b, depth + 1) + "]";
    case 2:
      return "dict[" + hint(b, depth + 1) + ", " + hint(b, depth + 1) + "]";
    case 3:
      return "tuple[" + hint(b, depth + 1) + ", ...]";
    case 4:
      return "tuple[" + hint(b, depth + 1) + ", " + hint(b, depth + 1) + "]";
    case 5:
      return "Optional[" + hint(b, depth + 1) + "]";
    case 6:
      return "Union[" + hint(b, depth + 1) + ", " + hint(b, depth + 1) + "]";
    case 7:
      return hint(b, depth + 1) + " | " + hint(b, depth + 1);
    case 8:
      return "Literal[" + literal(b) + "]";
    case 9:
      return "Literal[" + literal(b) + ", " + literal(b) + "]";
    case 10:
      return "Annotated[" + hint(b, depth + 1) + ", 'a note']";
    case 11:
      return "Annotated[" + hint(b, depth + 1) + ", " + literal(b) + "]";
    case 12:
      return "set[" + hint(b, depth + 1) + "]";
    case 13:
      return "frozenset[" + hint(b, depth + 1) + "]";
    case 14:
      return "tuple[()]";
    default:
      return "'" + hint(b, depth + 1) + "'";  // a forward reference, resolved by get_type_hints
  }
}

std::string source_of(Bytes& b) {
  std::string params;
  unsigned n = 1 + b.next() % 3;
  for (unsigned i = 0; i < n; ++i) {
    if (i) params += ", ";
    params += "p" + std::to_string(i) + ": " + hint(b, 0);
    if (b.next() % 3 == 0) params += " = " + literal(b);
  }
  return "from typing import *\nimport typing\n\ndef tool(" + params + ") -> " + hint(b, kMaxDepth - 1) +
         ":\n    \"\"\"A tool.\"\"\"\n    return 1\n";
}

const char* program = nullptr;  // argv[0], set by LLVMFuzzerInitialize

py::dict& worker_globals() {
  static py::dict* globals = [] {
    // As the worker does (worker/main.cpp): our own path as argv[0], no PYTHONHOME/PYTHONPATH,
    // so CPython takes the standard library of the libpython it was built with.
    unsetenv("PYTHONHOME");
    unsetenv("PYTHONPATH");
    const char* argv[] = {program ? program : "fuzz_python_schema", nullptr};
    static py::scoped_interpreter interpreter(false, 1, argv, false);
    auto* g = new py::dict();
    py::exec(kaos::mcp::python_worker::kWorkerPy, *g);
    return g;
  }();
  return *globals;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  program = (*argv)[0];
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes bytes(data, size);
  std::string source = source_of(bytes);
  py::dict& g = worker_globals();
  std::string line;
  try {
    py::object worker = g["Worker"](0, py::cpp_function([] {}));
    py::dict message;
    message["type"] = "load";
    message["source"] = source;
    message["source_name"] = "MCP_TOOLS_STRING";
    py::object reply = worker.attr("handle")(message);
    // What serve() sends for the reply.
    line = py::module_::import("json").attr("dumps")(reply, py::arg("ensure_ascii") = false).cast<std::string>();
  } catch (const std::exception& e) {  // error_already_set, or cast_error for a str UTF-8 cannot encode
    std::fprintf(stderr, "source:\n%s\n", source.c_str());
    FUZZ_CHECK(false, e.what());
  }
  auto parsed = kaos::parse_json(line);
  if (!parsed) std::fprintf(stderr, "source:\n%s\nline: %s\n", source.c_str(), line.c_str());
  FUZZ_CHECK(parsed.has_value(), "the worker's answer to load is not JSON the server reads");
  const auto& reply = parsed->as_object();
  auto type = kaos::string_field(reply, "type").value_or("");
  FUZZ_CHECK(type == "loaded" || type == "load_error", "load answered neither loaded nor load_error");
  return 0;
}
