// The one translation unit that compiles Boost.JSON (a header-only library built once,
// DESIGN.md §11). Every other file includes only its declarations.
#include <boost/json/src.hpp>
