#pragma once
// The coroutine vocabulary every server and client uses. Asio (not Beast) is visible here:
// awaitables and executors cross module boundaries, HTTP parsing does not.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace kaos::net {
namespace asio = boost::asio;

template <class T = void>
using Task = asio::awaitable<T>;

using Executor = asio::any_io_executor;

}  // namespace kaos::net
