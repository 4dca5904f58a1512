#include "servers/mcp/transport_session.hpp"

#include <boost/asio/post.hpp>

#include <charconv>

namespace kaos::mcp::detail {
namespace {

// Finished streams kept for resumption after their consumer went away.
constexpr std::size_t kRetainedStreams = 32;

/// The protocolVersion of an initialize answer. A scan rather than a parse: this runs once per
/// session on the hot path of short sessions, and the value is a plain date string.
std::optional<std::string> initialize_version(std::string_view message) {
  constexpr std::string_view kKey = "\"protocolVersion\"";
  auto at = message.find(kKey);
  if (at == std::string_view::npos || message.find("\"result\"") == std::string_view::npos) return std::nullopt;
  auto rest = message.substr(at + kKey.size());
  auto colon = rest.find_first_not_of(" \t\r\n");
  if (colon == std::string_view::npos || rest[colon] != ':') return std::nullopt;
  auto open = rest.find_first_not_of(" \t\r\n", colon + 1);
  if (open == std::string_view::npos || rest[open] != '"') return std::nullopt;
  auto close = rest.find('"', open + 1);
  if (close == std::string_view::npos || close - open > 32) return std::nullopt;
  return std::string(rest.substr(open + 1, close - open - 1));
}

}  // namespace

std::string request_key(const json::value& id) {
  return to_json(id);
}

Session::Session(std::string id, std::size_t replay_events, std::string client)
    : id_(std::move(id)), replay_events_(std::max<std::size_t>(replay_events, 1)), client_(std::move(client)) {
  standalone_ = std::make_shared<Stream>();
  standalone_->id = "0";
  standalone_->standalone = true;
  streams_.emplace(standalone_->id, standalone_);
  last_active_ = std::chrono::steady_clock::now();
}

std::string Session::event_id(const Stream& stream, std::uint64_t seq) {
  return stream.id + "_" + std::to_string(seq);
}

void Session::push(Stream& stream, std::string data) {
  stream.events.push_back(Event{stream.next_seq++, std::move(data)});
  while (stream.events.size() > replay_events_) stream.events.pop_front();
  wake(stream);
}

void Session::wake(Stream& stream) {
  // One slot: when it is full a wakeup is already pending, which is all the consumer needs.
  if (stream.consumer) stream.consumer->try_send(boost::system::error_code{});
}

void Session::respond(const json::value& id, std::string message) {
  const std::string key = request_key(id);
  // The initialize answer carries the negotiated version, which decides priming events and
  // header checks for the rest of the session: read it before the answer becomes visible.
  std::optional<std::string> version;
  {
    std::lock_guard lock(mu_);
    if (key == initialize_key_ && protocol_version_.empty()) version = std::string();
  }
  if (version) version = initialize_version(message);
  std::lock_guard lock(mu_);
  auto it = requests_.find(key);
  if (it == requests_.end()) return;  // cancelled, or not a request of this session
  if (version && !version->empty()) protocol_version_ = *version;
  auto stream = it->second.stream;
  requests_.erase(it);
  if (stream->unanswered > 0) --stream->unanswered;
  push(*stream, std::move(message));
  last_active_ = std::chrono::steady_clock::now();
}

void Session::send(std::string message, const json::value& related) {
  std::lock_guard lock(mu_);
  Stream* target = standalone_.get();
  if (!related.is_null()) {
    auto it = requests_.find(request_key(related));
    if (it != requests_.end() && !it->second.stream->json_only) target = it->second.stream.get();
  }
  push(*target, std::move(message));
}

void Session::close_stream(const json::value& related) {
  std::lock_guard lock(mu_);
  auto it = requests_.find(request_key(related));
  if (it == requests_.end()) return;
  it->second.stream->close_requested = true;
  wake(*it->second.stream);
}

std::shared_ptr<Stream> Session::open_post_stream(const std::vector<json::value>& request_ids, bool json_only) {
  auto stream = std::make_shared<Stream>();
  std::lock_guard lock(mu_);
  stream->id = std::to_string(next_stream_++);
  stream->json_only = json_only;
  stream->unanswered = request_ids.size();
  for (const auto& id : request_ids) requests_[request_key(id)] = InFlight{stream, {}, {}};
  streams_.emplace(stream->id, stream);
  retire_streams();
  last_active_ = std::chrono::steady_clock::now();
  return stream;
}

void Session::retire_streams() {
  std::size_t finished = 0;
  for (const auto& [id, s] : streams_) finished += (s->finished() && !s->consumer) ? 1 : 0;
  for (auto it = streams_.begin(); it != streams_.end() && finished > kRetainedStreams;) {
    if (it->second->finished() && !it->second->consumer) {
      it = streams_.erase(it);
      --finished;
    } else {
      ++it;
    }
  }
}

std::shared_ptr<Stream> Session::find_stream_for_event(std::string_view last_event_id, std::uint64_t& after) {
  auto sep = last_event_id.rfind('_');
  if (sep == std::string_view::npos) return nullptr;
  std::uint64_t seq = 0;
  auto digits = last_event_id.substr(sep + 1);
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (ec != std::errc{} || p != digits.data() + digits.size()) return nullptr;
  std::lock_guard lock(mu_);
  auto it = streams_.find(last_event_id.substr(0, sep));
  if (it == streams_.end()) return nullptr;
  after = seq;
  return it->second;
}

Batch Session::take(Stream& stream, std::uint64_t after, const std::shared_ptr<Wakeup>& consumer) {
  Batch batch;
  std::lock_guard lock(mu_);
  for (const auto& e : stream.events) {
    if (e.seq > after) batch.events.push_back(e);
  }
  batch.finished = stream.finished() || closed_;
  batch.close = stream.close_requested;
  if (batch.close) stream.close_requested = false;
  if (batch.events.empty() && !batch.finished && !batch.close) stream.consumer = consumer;
  return batch;
}

bool Session::attach(Stream& stream, const std::shared_ptr<Wakeup>& consumer) {
  std::lock_guard lock(mu_);
  if (stream.consumer && stream.consumer != consumer) return false;
  stream.consumer = consumer;
  last_active_ = std::chrono::steady_clock::now();
  return true;
}

void Session::detach(Stream& stream, const std::shared_ptr<Wakeup>& consumer) {
  std::lock_guard lock(mu_);
  if (stream.consumer == consumer) stream.consumer.reset();
  last_active_ = std::chrono::steady_clock::now();
}

void Session::mark_delivered(Stream& stream, std::uint64_t seq) {
  std::lock_guard lock(mu_);
  stream.delivered = std::max(stream.delivered, seq);
}

void Session::forget(const Stream& stream) {
  std::lock_guard lock(mu_);
  if (!stream.standalone) streams_.erase(stream.id);
}

void Session::track_request(const json::value& id, net::Executor executor,
                            std::shared_ptr<asio::cancellation_signal> signal) {
  std::lock_guard lock(mu_);
  auto it = requests_.find(request_key(id));
  if (it == requests_.end()) return;  // already answered
  it->second.executor = std::move(executor);
  it->second.cancel = std::move(signal);
}

bool Session::cancel_request(const json::value& id) {
  InFlight victim;
  {
    std::lock_guard lock(mu_);
    auto it = requests_.find(request_key(id));
    if (it == requests_.end() || request_key(id) == initialize_key_) return false;
    victim = it->second;
    requests_.erase(it);
    if (victim.stream->unanswered > 0) --victim.stream->unanswered;
    wake(*victim.stream);
  }
  if (victim.cancel && victim.executor) {
    // A cancellation signal must be emitted where its operation runs.
    asio::post(victim.executor, [signal = victim.cancel] { signal->emit(asio::cancellation_type::terminal); });
  }
  return true;
}

void Session::set_handler(std::shared_ptr<SessionHandler> handler) {
  std::lock_guard lock(mu_);
  handler_ = std::move(handler);
}

std::shared_ptr<SessionHandler> Session::handler() const {
  std::lock_guard lock(mu_);
  return handler_;
}

void Session::set_initialize_id(const json::value& id) {
  std::lock_guard lock(mu_);
  initialize_key_ = request_key(id);
}

std::string Session::protocol_version() const {
  std::lock_guard lock(mu_);
  return protocol_version_;
}

void Session::set_protocol_version(std::string version) {
  std::lock_guard lock(mu_);
  protocol_version_ = std::move(version);
}

void Session::touch() {
  std::lock_guard lock(mu_);
  last_active_ = std::chrono::steady_clock::now();
}

bool Session::idle_since(std::chrono::steady_clock::time_point before) const {
  std::lock_guard lock(mu_);
  if (!requests_.empty()) return false;
  for (const auto& [id, s] : streams_) {
    if (s->consumer) return false;
  }
  return last_active_ < before;
}

std::chrono::steady_clock::time_point Session::last_active() const {
  std::lock_guard lock(mu_);
  return last_active_;
}

std::size_t Session::open_streams() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [id, s] : streams_) n += s->consumer ? 1 : 0;
  return n;
}

void Session::close() {
  std::shared_ptr<SessionHandler> handler;
  std::vector<InFlight> in_flight;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    handler = std::move(handler_);
    for (auto& [id, s] : streams_) wake(*s);
    for (auto& [key, request] : requests_) in_flight.push_back(std::move(request));
    requests_.clear();
  }
  // An ended session (DELETE, expiry, shutdown) can receive no answer: cancel its calls.
  for (auto& request : in_flight) {
    if (request.cancel && request.executor)
      asio::post(request.executor, [signal = request.cancel] { signal->emit(asio::cancellation_type::terminal); });
  }
  if (handler) handler->close();
}

bool Session::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

}  // namespace kaos::mcp::detail
