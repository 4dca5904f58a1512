#include "core/backoff.hpp"

#include <algorithm>
#include <random>

namespace kaos {

std::chrono::milliseconds Backoff::ceiling(int attempt) const {
  long long cap = initial.count();
  for (int i = 1; i < attempt && cap < max.count(); ++i) cap *= 2;
  cap = std::min<long long>(cap, max.count());
  return std::chrono::milliseconds(std::max<long long>(cap, 0));
}

std::chrono::milliseconds Backoff::delay(int attempt) const {
  long long cap = ceiling(attempt).count();
  if (cap <= 0) return std::chrono::milliseconds(0);
  auto low = static_cast<long long>(static_cast<double>(cap) * std::clamp(min_fraction, 0.0, 1.0));
  thread_local std::minstd_rand rng{std::random_device{}()};
  return std::chrono::milliseconds(std::uniform_int_distribution<long long>(low, cap)(rng));
}

}  // namespace kaos
