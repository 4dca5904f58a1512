// WHATWG event-stream interpretation, incremental.
#include "net/sse.hpp"

namespace kaos::net {

void SseParser::field(std::string_view line) {
  if (line.front() == ':') return;  // comment
  std::string_view name = line, value;
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    name = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (name == "data") {
    data_.append(value);
    data_.push_back('\n');
  } else if (name == "event") {
    type_.assign(value);
  } else if (name == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
  } else if (name == "retry") {
    if (value.empty()) return;
    long ms = 0;
    for (char c : value) {
      if (c < '0' || c > '9') return;
      ms = ms * 10 + (c - '0');
      if (ms > 1'000'000'000L) return;
    }
    retry_ = ms;
  }
}

std::vector<SseEvent> SseParser::feed(std::string_view bytes) {
  std::vector<SseEvent> out;
  if (overflowed_) return out;
  buffer_.append(bytes);
  if (!bom_checked_) {
    static constexpr std::string_view kBom = "\xEF\xBB\xBF";
    std::size_t n = std::min(buffer_.size(), kBom.size());
    if (std::string_view(buffer_).substr(0, n) == kBom.substr(0, n)) {
      if (n < kBom.size()) return out;  // could still be a BOM
      buffer_.erase(0, kBom.size());
    }
    bom_checked_ = true;
  }
  std::size_t event_start = 0;
  while (true) {
    std::size_t p = buffer_.find_first_of("\r\n", scan_);
    if (p == std::string::npos) break;
    std::size_t next = p + 1;
    if (buffer_[p] == '\r') {
      if (p + 1 == buffer_.size()) break;  // a CRLF may be split here: wait for the next byte
      if (buffer_[p + 1] == '\n') next = p + 2;
    }
    std::string_view line(buffer_.data() + scan_, p - scan_);
    scan_ = next;
    if (!line.empty()) {
      field(line);
      continue;
    }
    if (!data_.empty()) {
      SseEvent ev;
      data_.pop_back();  // the last '\n'
      ev.data = std::move(data_);
      ev.event = type_.empty() ? std::string("message") : std::move(type_);
      ev.id = last_id_;
      ev.retry_ms = retry_;
      ev.raw.assign(buffer_, event_start, next - event_start);
      out.push_back(std::move(ev));
    }
    data_.clear();
    type_.clear();
    retry_.reset();
    event_start = next;
  }
  if (event_start > 0) {
    buffer_.erase(0, event_start);
    scan_ -= event_start;
  }
  if (buffer_.size() > max_event_) {
    overflowed_ = true;
    buffer_.clear();
    scan_ = 0;
  }
  return out;
}

}  // namespace kaos::net
