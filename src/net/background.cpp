#include "net/background.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <exception>

namespace kaos::net {

namespace {

auto log_escaped(std::string what) {
  return [what = std::move(what)](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const boost::system::system_error& err) {
      if (err.code() == asio::error::operation_aborted) {
        spdlog::debug("{} was cancelled", what);
        return;
      }
      spdlog::error("{} failed: {}", what, err.what());
    } catch (const std::exception& err) {
      spdlog::error("{} failed: {}", what, err.what());
    } catch (...) {
      spdlog::error("{} failed with an unknown exception", what);
    }
  };
}

}  // namespace

void spawn_background(Executor executor, Task<void> task, std::string what) {
  asio::co_spawn(executor, std::move(task), log_escaped(std::move(what)));
}

void spawn_background(Executor executor, Task<void> task, std::string what, asio::cancellation_slot slot) {
  asio::co_spawn(executor, std::move(task), asio::bind_cancellation_slot(slot, log_escaped(std::move(what))));
}

void spawn_background(Executor executor, Task<void> task, std::string what,
                      std::shared_ptr<asio::cancellation_signal> signal) {
  auto slot = signal->slot();
  asio::co_spawn(std::move(executor), std::move(task),
                 asio::bind_cancellation_slot(std::move(slot), [log = log_escaped(std::move(what)),
                                                                signal = std::move(signal)](std::exception_ptr e) {
                   log(e);  // `signal` is released only after the work completed
                 }));
}

}  // namespace kaos::net
