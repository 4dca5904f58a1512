#include "core/result.hpp"

#include <ostream>

namespace kaos {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid:
      return "invalid";
    case ErrorKind::not_found:
      return "not_found";
    case ErrorKind::io:
      return "io";
    case ErrorKind::timeout:
      return "timeout";
    case ErrorKind::cancelled:
      return "cancelled";
    case ErrorKind::connect:
      return "connect";
    case ErrorKind::http:
      return "http";
    case ErrorKind::rpc:
      return "rpc";
    case ErrorKind::remote:
      return "remote";
    case ErrorKind::protocol:
      return "protocol";
    case ErrorKind::too_large:
      return "too_large";
    case ErrorKind::session_expired:
      return "session_expired";
    case ErrorKind::gone:
      return "gone";
    case ErrorKind::unavailable:
      return "unavailable";
    case ErrorKind::upstream:
      return "upstream";
    case ErrorKind::agent:
      return "agent";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, ErrorKind kind) {
  return out << to_string(kind);
}

}  // namespace kaos
