// Compiles Boost.URL once for the whole program (header-only use everywhere else).
#include <boost/url/src.hpp>
