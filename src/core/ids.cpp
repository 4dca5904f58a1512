#include "core/ids.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <random>
#include <stdexcept>

namespace kaos {

namespace {
std::mt19937_64& generator() {
  thread_local std::mt19937_64 gen{[] {
    std::random_device rd;
    return (std::uint64_t{rd()} << 32) ^ rd();
  }()};
  return gen;
}
}  // namespace

std::string random_hex(std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n, '0');
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 16 == 0) bits = generator()();
    out[i] = kDigits[bits & 0xf];
    bits >>= 4;
  }
  return out;
}

std::string secure_random_hex(std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string bytes((n + 1) / 2, '\0');
  std::size_t got = 0;
  while (got < bytes.size()) {
    auto r = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (r > 0) {
      got += static_cast<std::size_t>(r);
    } else if (r < 0 && errno != EINTR) {
      throw std::runtime_error("getrandom failed: the kernel's random source is unavailable");
    }
  }
  std::string out;
  out.reserve(n);
  for (unsigned char b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  out.resize(n);
  return out;
}

std::string random_id(std::string_view prefix, std::size_t n) {
  std::string out(prefix);
  out += random_hex(n);
  return out;
}

std::string iso8601(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto secs = time_point_cast<seconds>(t);
  auto micros = duration_cast<microseconds>(t - secs).count();
  std::time_t tt = system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros));
  return buf;
}

std::string iso8601_now() {
  return iso8601(std::chrono::system_clock::now());
}

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace kaos
