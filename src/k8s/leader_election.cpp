#include "k8s/leader_election.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/ids.hpp"
#include "k8s/api_error.hpp"

namespace kaos::k8s {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

const ResourceType kLease{"coordination.k8s.io", "v1", "leases", "Lease", true};

int whole_seconds(std::chrono::milliseconds d) {
  return static_cast<int>(std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(d).count()));
}

net::Task<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

}  // namespace

LeaderElector::LeaderElector(RestClient& client, LeaderElectionConfig config)
    : client_(client), config_(std::move(config)) {}

net::Task<Result<bool>> LeaderElector::try_acquire_or_renew() {
  auto current = co_await client_.get(kLease, config_.namespace_, config_.name);
  const int duration = whole_seconds(config_.lease_duration);
  if (!current) {
    if (status_reason(current.error()) != StatusReason::not_found) co_return current.error();
    auto record = claim(std::nullopt, config_.identity, duration, iso8601_now());
    json::object lease{{"apiVersion", "coordination.k8s.io/v1"},
                       {"kind", "Lease"},
                       {"metadata", json::object{{"name", config_.name}, {"namespace", config_.namespace_}}},
                       {"spec", lease_spec(record)}};
    auto created = co_await client_.create(kLease, lease);
    if (!created) {
      if (status_reason(created.error()) == StatusReason::already_exists) co_return false;  // lost the race
      co_return created.error();
    }
    observer_.observe(record, Clock::now());
    co_return true;
  }
  const auto record = read_lease_record(*current);
  observer_.observe(record, Clock::now());
  if (!observer_.may_acquire(config_.identity, Clock::now())) co_return false;
  auto next = claim(record, config_.identity, duration, iso8601_now());
  json::object lease = std::move(*current);
  lease["spec"] = lease_spec(next);  // metadata.resourceVersion stays: a concurrent writer gets 409
  auto updated = co_await client_.update(kLease, lease);
  if (!updated) {
    if (status_reason(updated.error()) == StatusReason::conflict) co_return false;
    co_return updated.error();
  }
  observer_.observe(next, Clock::now());
  co_return true;
}

net::Task<Result<bool>> LeaderElector::attempt_within(std::chrono::milliseconds deadline) {
  using namespace asio::experimental::awaitable_operators;
  auto outcome = co_await (try_acquire_or_renew() || sleep_for(deadline));
  if (outcome.index() == 1)
    co_return Error::timeout("lease request took longer than " + std::to_string(deadline.count()) + " ms");
  co_return std::get<0>(std::move(outcome));
}

net::Task<Result<void>> LeaderElector::acquire() {
  bool told = false;
  for (;;) {
    auto got = co_await attempt_within(config_.renew_deadline);
    if (got && *got) {
      leading_ = true;
      spdlog::info("leader election: {} now leads with Lease {}/{}", config_.identity, config_.namespace_,
                   config_.name);
      co_return Result<void>{};
    }
    if (!got) {
      if (got.error().kind == ErrorKind::cancelled) co_return got.error();
      spdlog::warn("leader election: {}", got.error().message);
    } else if (!told) {
      const auto& holder = observer_.last();
      spdlog::info("leader election: waiting for Lease {}/{} held by {}", config_.namespace_, config_.name,
                   holder ? holder->holder : std::string("?"));
      told = true;
    }
    co_await sleep_for(config_.retry_period);
  }
}

net::Task<void> LeaderElector::hold() {
  auto renewed_at = Clock::now();
  while (leading_) {
    co_await sleep_for(config_.retry_period);
    const auto left =
        config_.renew_deadline - std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - renewed_at);
    auto got = co_await attempt_within(std::max(left, std::chrono::milliseconds(1)));
    if (got && *got) {
      renewed_at = Clock::now();
      continue;
    }
    const auto& last = observer_.last();
    if (got && last && last->holder != config_.identity) {
      spdlog::error("leader election: Lease {}/{} is now held by {}", config_.namespace_, config_.name, last->holder);
      leading_ = false;
    } else if (Clock::now() - renewed_at >= config_.renew_deadline) {
      spdlog::error("leader election: could not renew Lease {}/{} within {} ms{}", config_.namespace_, config_.name,
                    config_.renew_deadline.count(), got ? "" : ": " + got.error().message);
      leading_ = false;
    }
  }
}

net::Task<Result<void>> LeaderElector::release() {
  if (!leading_) co_return Result<void>{};
  leading_ = false;
  auto current = co_await client_.get(kLease, config_.namespace_, config_.name);
  if (!current) co_return current.error();
  auto record = read_lease_record(*current);
  if (record.holder != config_.identity) co_return Result<void>{};
  json::object lease = std::move(*current);
  lease["spec"] = lease_spec(k8s::release(record, iso8601_now()));
  auto updated = co_await client_.update(kLease, lease);
  if (!updated) co_return updated.error();
  spdlog::info("leader election: {} released Lease {}/{}", config_.identity, config_.namespace_, config_.name);
  co_return Result<void>{};
}

}  // namespace kaos::k8s
