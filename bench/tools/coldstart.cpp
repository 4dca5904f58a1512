// kaos-bench-coldstart: starts a server command, polls an HTTP URL on loopback until it answers
// 200, and prints the time from fork to that first 200 and the server's resident memory then
// (idle RSS, before any other request). Plain POSIX, so it measures any server the same way.
//
// Usage: kaos-bench-coldstart --port P [--path /health] [--runs N] -- COMMAND ARGS...
// Output: one line per run, then "coldstart_ms_median=<x> rss_kib_median=<y>".
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

bool http_ok(int port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (::send(fd, req.data(), req.size(), 0) == static_cast<ssize_t>(req.size())) {
      char buf[64] = {};
      ssize_t n = ::recv(fd, buf, sizeof buf - 1, MSG_WAITALL);
      ok = n >= 12 && std::strncmp(buf + 9, "200", 3) == 0;
    }
  }
  ::close(fd);
  return ok;
}

long rss_kib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

// RSS of the process and its children (nginx runs a master and workers).
long tree_rss_kib(pid_t root) {
  long total = rss_kib(root);
  std::ifstream f("/proc/" + std::to_string(root) + "/task/" + std::to_string(root) + "/children");
  pid_t child;
  while (f >> child) total += tree_rss_kib(child);
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, runs = 5;
  std::string path = "/health";
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a == "--port" && i + 1 < argc)
      port = std::atoi(argv[++i]);
    else if (a == "--path" && i + 1 < argc)
      path = argv[++i];
    else if (a == "--runs" && i + 1 < argc)
      runs = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (port <= 0 || i >= argc) {
    std::fprintf(stderr, "usage: kaos-bench-coldstart --port P [--path /health] [--runs N] -- COMMAND ARGS...\n");
    return 2;
  }
  std::vector<double> times;
  std::vector<long> rss;
  for (int r = 0; r < runs; ++r) {
    auto start = std::chrono::steady_clock::now();
    pid_t pid = ::fork();
    if (pid == 0) {
      int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 1);
      ::dup2(devnull, 2);
      ::execvp(argv[i], argv + i);
      _exit(127);
    }
    bool up = false;
    // Poll as fast as connect() fails on a closed port; bounded at 10 s.
    while (std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
      if (http_ok(port, path)) {
        up = true;
        break;
      }
      int status;
      if (::waitpid(pid, &status, WNOHANG) == pid) break;
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    long kib = up ? tree_rss_kib(pid) : -1;
    ::kill(pid, SIGTERM);
    int status;
    ::waitpid(pid, &status, 0);
    if (!up) {
      std::fprintf(stderr, "server did not answer 200 on :%d%s\n", port, path.c_str());
      return 1;
    }
    std::printf("run %d: first 200 after %.2f ms, rss %ld KiB\n", r + 1, ms, kib);
    times.push_back(ms);
    rss.push_back(kib);
  }
  std::sort(times.begin(), times.end());
  std::sort(rss.begin(), rss.end());
  std::printf("coldstart_ms_median=%.2f rss_kib_median=%ld\n", times[times.size() / 2], rss[rss.size() / 2]);
  return 0;
}
