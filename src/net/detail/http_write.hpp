#pragma once
// Writing a whole HTTP message (head + in-memory body) as one gather write.
//
// http::async_write walks the serializer's nested buffer views (buffers_cat of the start
// line, every field, the body; then prefix/suffix views as bytes are consumed) on every
// write step, which showed up as several percent of a proxied request's CPU. Here the head
// goes into a reused string and the socket gets two plain buffers: head and body. For an
// ordinary header set (plain_fields) the head is formatted directly, byte for byte what
// Beast would write; otherwise Beast's message and serializer produce it, as before.
#include <array>
#include <charconv>
#include <string>
#include <string_view>

#include "net/detail/beast.hpp"
#include "net/http.hpp"
#include "net/task.hpp"

namespace kaos::net::detail {

/// True when `h` can go on the wire through `append_field`: no field whose value the message
/// framing decides (Content-Length, Transfer-Encoding, Connection), no line break, nothing
/// Beast's field container would refuse. Other messages are built by Beast as before.
inline bool has_line_break(std::string_view s) {
  for (char c : s)  // a plain loop: find_first_of calls memchr once per character
    if (c == '\r' || c == '\n') return true;
  return false;
}

inline bool plain_fields(const Headers& h) {
  for (const auto& f : h.fields()) {
    if (f.name.empty() || f.name.size() > 1024 || f.value.size() > 16 * 1024) return false;
    if (iequals(f.name, "content-length") || iequals(f.name, "transfer-encoding") || iequals(f.name, "connection"))
      return false;
    if (has_line_break(f.name) || has_line_break(f.value)) return false;
  }
  return true;
}

/// One "Name: value" line as Beast writes it (the value trimmed of spaces and tabs).
inline void append_field(std::string& out, std::string_view name, std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  out.append(name).append(": ").append(value).append("\r\n");
}

inline void append_decimal(std::string& out, std::size_t n) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

/// "HTTP/1.1" for version 11.
inline void append_version(std::string& out, unsigned version) {
  out.append("HTTP/");
  out += static_cast<char>('0' + version / 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
}

/// A response head as Beast formats it: status line, `fields` in order, then Connection as
/// message::keep_alive() sets it, then Content-Length as prepare_payload() (or, for HEAD,
/// content_length()) sets it. Needs plain_fields(fields) and a three-digit status.
inline void format_response_head(std::string& out, int code, unsigned version, const Headers& fields, bool keep_alive,
                                 bool with_length, std::size_t length) {
  out.clear();
  append_version(out, version);
  const char status[5] = {' ', static_cast<char>('0' + code / 100), static_cast<char>('0' + code / 10 % 10),
                          static_cast<char>('0' + code % 10), ' '};
  out.append(status, sizeof status);
  out.append(http::obsolete_reason(static_cast<http::status>(code)));
  out.append("\r\n");
  for (const auto& f : fields.fields()) append_field(out, f.name, f.value);
  if (version < 11 ? keep_alive : !keep_alive) append_field(out, "Connection", version < 11 ? "keep-alive" : "close");
  if (with_length) {
    out.append("Content-Length: ");
    append_decimal(out, length);
    out.append("\r\n");
  }
  out.append("\r\n");
}

/// Writes an already serialized head and its body as one gather write.
template <class Stream>
Task<boost::system::error_code> write_head_body(Stream& s, const std::string& head, std::string_view body) {
  std::array<asio::const_buffer, 2> bufs{asio::buffer(head), asio::buffer(body.data(), body.size())};
  auto [ec, n] = co_await asio::async_write(s, bufs, kTuple);
  co_return ec;
}

/// Appends the serialized head of `msg` (start line, fields, empty line) to `out`.
template <bool isRequest, class Body, class Fields>
void serialize_head(http::message<isRequest, Body, Fields>& msg, std::string& out) {
  http::serializer<isRequest, Body, Fields> sr{msg};
  sr.split(true);
  boost::system::error_code ec;
  while (!ec && !sr.is_header_done()) {
    sr.next(ec, [&](boost::system::error_code&, const auto& buffers) {
      std::size_t n = 0;
      for (auto b : beast::buffers_range_ref(buffers)) {
        out.append(static_cast<const char*>(b.data()), b.size());
        n += b.size();
      }
      sr.consume(n);
    });
  }
}

/// Writes `msg`, whose payload is `body` (the message's own body bytes), reusing `head` as
/// scratch. A chunked message (never produced by prepare_payload/content_length, but a
/// caller's headers could ask for it) goes through Beast's serializer unchanged.
template <class Stream, bool isRequest, class Body, class Fields>
Task<boost::system::error_code> write_message(Stream& s, http::message<isRequest, Body, Fields>& msg,
                                              std::string_view body, std::string& head) {
  if (msg.chunked()) {
    auto [ec, n] = co_await http::async_write(s, msg, kTuple);
    co_return ec;
  }
  head.clear();
  serialize_head(msg, head);
  co_return co_await write_head_body(s, head, body);
}

}  // namespace kaos::net::detail
