#pragma once
// Incremental Server-Sent Events parser (WHATWG "event stream interpretation"): feed bytes as
// they arrive, get complete events. Pure; no I/O.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kaos::net {

struct SseEvent {
  std::string event;             ///< "message" when the stream named none
  std::string data;              ///< data lines joined with '\n'
  std::string id;                ///< last event id seen (persists across events, per spec)
  std::optional<long> retry_ms;  ///< a `retry:` field in this event
  std::string raw;               ///< the exact bytes of this event, terminator included
};

class SseParser {
 public:
  /// Appends bytes; returns events completed by them (possibly none).
  std::vector<SseEvent> feed(std::string_view bytes);
  /// Bytes of an incomplete event held back.
  std::size_t pending() const { return buffer_.size(); }
  /// Bound on one event's size; a stream exceeding it is an error (`overflowed()`).
  void set_max_event_size(std::size_t n) { max_event_ = n; }
  bool overflowed() const { return overflowed_; }

 private:
  std::string buffer_;
  std::string last_id_;
  std::size_t max_event_ = 16 * 1024 * 1024;
  bool overflowed_ = false;
  bool bom_checked_ = false;
  // Parse state of the event being assembled (buffer_ starts at that event's first byte).
  void field(std::string_view line);
  std::size_t scan_ = 0;  ///< offset in buffer_ of the next unprocessed line
  std::string data_;
  std::string type_;
  std::optional<long> retry_;
};

}  // namespace kaos::net
