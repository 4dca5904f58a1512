#pragma once
// Transfer-Encoding as we accept it, in one place for the server (requests) and the client
// (responses). We implement exactly one transfer coding, chunked (RFC 9112 §7). Beast decodes
// the chunked framing of `gzip, chunked` and would hand the still-compressed bytes on as the
// body, so anything but a plain `chunked` is refused before the body is read.
#include <string>
#include <string_view>

#include "net/detail/beast.hpp"

namespace kaos::net::detail {

struct TransferCodingCheck {
  enum Kind {
    none,         ///< no Transfer-Encoding: Content-Length or no body
    chunked,      ///< exactly `chunked`
    unsupported,  ///< another coding (gzip, deflate, identity, chunked;ext=1, ...): 501
    invalid,      ///< an empty list, or chunked twice or not last: 400
  };
  Kind kind = none;
  std::string coding;  ///< for unsupported: the first coding we do not implement
};

/// Classifies every Transfer-Encoding field of `fields` (a list may span several fields).
inline TransferCodingCheck check_transfer_coding(const http::fields& fields) {
  TransferCodingCheck out;
  auto [begin, end] = fields.equal_range(http::field::transfer_encoding);
  if (begin == end) return out;
  int chunked_seen = 0;
  bool any = false, chunked_last = false;
  for (auto it = begin; it != end; ++it) {
    std::string_view list(it->value().data(), it->value().size());
    while (!list.empty()) {
      auto comma = list.find(',');
      auto item = list.substr(0, comma);
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      auto first = item.find_first_not_of(" \t");
      if (first == std::string_view::npos) continue;  // empty list elements are allowed
      item = item.substr(first, item.find_last_not_of(" \t") - first + 1);
      any = true;
      if (beast::iequals(item, "chunked")) {
        ++chunked_seen;
        chunked_last = true;
        continue;
      }
      chunked_last = false;
      if (out.coding.empty()) out.coding = std::string(item.substr(0, 64));
    }
  }
  if (!out.coding.empty())
    out.kind = TransferCodingCheck::unsupported;
  else if (!any || chunked_seen != 1 || !chunked_last)
    out.kind = TransferCodingCheck::invalid;
  else
    out.kind = TransferCodingCheck::chunked;
  return out;
}

}  // namespace kaos::net::detail
