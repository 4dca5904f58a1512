// net::Process against real programs: /bin/sh, cat, sleep, false, and one that does not exist.
#include "net/process.hpp"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "net/background.hpp"
#include "net/detail/test_support.hpp"

namespace kaos::net {
namespace {

using test::Loop;
using Line = Result<std::optional<std::string>>;

std::unique_ptr<Process> start(Loop& loop, ProcessOptions options) {
  auto p = Process::spawn(loop.executor(), std::move(options));
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().message);
  return p ? std::move(*p) : nullptr;
}

ProcessOptions shell(std::string script) {
  ProcessOptions o;
  o.argv = {"/bin/sh", "-c", std::move(script)};
  return o;
}

// Every remaining stdout line until EOF.
Task<std::vector<std::string>> read_all_lines(Process& p) {
  std::vector<std::string> lines;
  for (;;) {
    auto line = co_await p.read_line();
    EXPECT_TRUE(line.has_value()) << (line ? "" : line.error().message);
    if (!line || !*line) co_return lines;
    lines.push_back(std::move(**line));
  }
}

bool pid_exists(pid_t pid) {
  return ::kill(pid, 0) == 0 || errno != ESRCH;
}

TEST(Process, EchoRoundTripThroughCat) {
  Loop loop;
  ProcessOptions o;
  o.argv = {"cat"};  // found through PATH
  auto p = start(loop, o);
  ASSERT_TRUE(p);
  auto got = loop.run([&]() -> Task<std::vector<std::string>> {
    std::vector<std::string> out;
    for (int i = 0; i < 3; ++i) {
      auto w = co_await p->write("line " + std::to_string(i) + "\n");
      EXPECT_TRUE(w.has_value());
      auto line = co_await p->read_line();  // cat answers each line before the next is written
      out.push_back(line && *line ? **line : "<none>");
    }
    p->close_stdin();
    auto eof = co_await p->read_line();
    EXPECT_TRUE(eof.has_value() && !*eof) << "expected EOF after stdin was closed";
    auto st = co_await p->wait();
    EXPECT_EQ(st.code, 0);
    co_return out;
  }());
  EXPECT_EQ(got, (std::vector<std::string>{"line 0", "line 1", "line 2"}));
}

TEST(Process, CrLfAndFinalLineWithoutNewline) {
  Loop loop;
  auto p = start(loop, shell("printf 'a\\r\\nb\\n\\r\\nlast'"));
  ASSERT_TRUE(p);
  auto lines = loop.run(read_all_lines(*p));
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "b", "", "last"}));
}

TEST(Process, LargeOutputArrivesComplete) {
  Loop loop;
  // 200,000 numbered lines (~1.3 MB), far more than a pipe buffer holds.
  auto p = start(loop, shell("seq 1 200000"));
  ASSERT_TRUE(p);
  auto lines = loop.run(read_all_lines(*p));
  ASSERT_EQ(lines.size(), 200000u);
  EXPECT_EQ(lines.front(), "1");
  EXPECT_EQ(lines[99999], "100000");
  EXPECT_EQ(lines.back(), "200000");
}

TEST(Process, OneLongLineAndTheLineLimit) {
  Loop loop;
  // A 3 MB line, then a line over the 1000-byte limit, then a short one.
  auto p = start(loop, shell("head -c 3000000 /dev/zero | tr '\\0' x; echo; head -c 5000 /dev/zero | tr '\\0' y; "
                             "echo; echo after"));
  ASSERT_TRUE(p);
  loop.run([&]() -> Task<void> {
    auto big = co_await p->read_line();
    EXPECT_TRUE(big && *big && (*big)->size() == 3000000u);
    auto too_long = co_await p->read_line(1000);
    EXPECT_FALSE(too_long.has_value());
    if (!too_long) {
      EXPECT_EQ(too_long.error().kind, ErrorKind::too_large);
    }
    auto after = co_await p->read_line(1000);  // the rest of the long line was discarded
    EXPECT_TRUE(after && *after && **after == "after") << (after && *after ? **after : "<error or EOF>");
  }());
}

TEST(Process, ExitCodesAndSignals) {
  Loop loop;
  ProcessOptions f;
  f.argv = {"false"};
  auto p1 = start(loop, f);
  auto p2 = start(loop, shell("exit 7"));
  auto p3 = start(loop, shell("kill -KILL $$"));
  ASSERT_TRUE(p1 && p2 && p3);
  loop.run([&]() -> Task<void> {
    auto s1 = co_await p1->wait();
    EXPECT_EQ(s1.code, 1);
    auto s2 = co_await p2->wait();
    EXPECT_EQ(s2.code, 7);
    EXPECT_EQ(s2.describe(), "exited with code 7");
    auto s3 = co_await p3->wait();
    EXPECT_EQ(s3.code, -1);
    EXPECT_EQ(s3.signal, SIGKILL);
    EXPECT_EQ(s3.describe(), "killed by signal 9 (SIGKILL)");
  }());
  EXPECT_FALSE(p1->running());
  ASSERT_TRUE(p1->try_wait().has_value());
  EXPECT_EQ(p1->try_wait()->code, 1);
}

TEST(Process, ExecFailuresAreErrorsNamingTheProgram) {
  Loop loop;
  ProcessOptions missing;
  missing.argv = {"kaos-no-such-program-xyz", "--flag"};
  auto r1 = Process::spawn(loop.executor(), missing);
  ASSERT_FALSE(r1.has_value());
  EXPECT_EQ(r1.error().kind, ErrorKind::not_found);
  EXPECT_NE(r1.error().message.find("kaos-no-such-program-xyz"), std::string::npos) << r1.error().message;
  EXPECT_NE(r1.error().message.find("PATH"), std::string::npos) << r1.error().message;

  ProcessOptions absolute;
  absolute.argv = {"/nonexistent/dir/prog"};
  auto r2 = Process::spawn(loop.executor(), absolute);
  ASSERT_FALSE(r2.has_value());
  EXPECT_NE(r2.error().message.find("/nonexistent/dir/prog"), std::string::npos) << r2.error().message;
  EXPECT_NE(r2.error().message.find("No such file"), std::string::npos) << r2.error().message;

  auto plain_file = std::filesystem::temp_directory_path() / ("kaos-not-executable-" + std::to_string(::getpid()));
  std::ofstream(plain_file) << "#!/bin/sh\n";
  std::filesystem::permissions(plain_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  ProcessOptions not_executable;
  not_executable.argv = {plain_file.string()};
  auto r3 = Process::spawn(loop.executor(), not_executable);
  std::filesystem::remove(plain_file);
  ASSERT_FALSE(r3.has_value());
  EXPECT_NE(r3.error().message.find("executable"), std::string::npos) << r3.error().message;

  ProcessOptions bad_dir = shell("true");
  bad_dir.working_dir = "/nonexistent-kaos-dir";
  auto r4 = Process::spawn(loop.executor(), bad_dir);
  ASSERT_FALSE(r4.has_value());
  EXPECT_NE(r4.error().message.find("/nonexistent-kaos-dir"), std::string::npos) << r4.error().message;

  ProcessOptions empty;
  auto r5 = Process::spawn(loop.executor(), empty);
  ASSERT_FALSE(r5.has_value());
  EXPECT_EQ(r5.error().kind, ErrorKind::invalid);
  // Failed execs were reaped: no child of ours is left, zombie or not.
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST(Process, FindProgramResolvesLikeSpawn) {
  ProcessOptions o;
  o.argv = {"sh"};
  auto sh = find_program(o);
  ASSERT_TRUE(sh.has_value()) << sh.error().message;
  EXPECT_EQ((*sh).back(), 'h');
  EXPECT_EQ((*sh).front(), '/');
  o.env = {{"PATH", "/nonexistent-kaos-bin"}};  // the child's PATH decides
  auto hidden = find_program(o);
  ASSERT_FALSE(hidden.has_value());
  EXPECT_NE(hidden.error().message.find("/nonexistent-kaos-bin"), std::string::npos) << hidden.error().message;
  o.argv = {"/nonexistent/prog"};
  EXPECT_FALSE(find_program(o).has_value());
  o.argv = {"/etc"};
  auto dir = find_program(o);
  ASSERT_FALSE(dir.has_value());
  EXPECT_NE(dir.error().message.find("not an executable file"), std::string::npos) << dir.error().message;
}

TEST(Process, EnvironmentAndWorkingDirectory) {
  Loop loop;
  auto dir = std::filesystem::temp_directory_path() / ("kaos-process-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ProcessOptions o = shell("echo \"$KAOS_TEST_VAR\"; pwd; echo \"${HOME:-unset}\"");
  o.env = {{"KAOS_TEST_VAR", "hello world"}};
  o.working_dir = dir.string();
  auto p = start(loop, o);
  ProcessOptions clean = shell("echo \"${HOME:-unset}\" \"$ONLY\"");
  clean.inherit_env = false;
  clean.env = {{"ONLY", "this"}};
  auto q = start(loop, clean);
  ASSERT_TRUE(p && q);
  auto lines = loop.run(read_all_lines(*p));
  auto clean_lines = loop.run(read_all_lines(*q));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "hello world");
  EXPECT_EQ(std::filesystem::canonical(lines[1]), std::filesystem::canonical(dir));
  std::filesystem::remove_all(dir);
  if (const char* home = ::getenv("HOME")) {
    EXPECT_EQ(lines[2], home);  // inherited
  }
  EXPECT_EQ(clean_lines, (std::vector<std::string>{"unset this"}));
}

TEST(Process, StderrPipeIsSeparateFromStdout) {
  Loop loop;
  ProcessOptions o = shell("echo out; echo err1 >&2; echo err2 >&2");
  o.stderr_mode = "pipe";
  auto p = start(loop, o);
  ASSERT_TRUE(p);
  loop.run([&]() -> Task<void> {
    auto e1 = co_await p->read_stderr_line();
    auto e2 = co_await p->read_stderr_line();
    auto e3 = co_await p->read_stderr_line();
    EXPECT_TRUE(e1 && *e1 && **e1 == "err1");
    EXPECT_TRUE(e2 && *e2 && **e2 == "err2");
    EXPECT_TRUE(e3 && !*e3);
    auto o1 = co_await p->read_line();
    EXPECT_TRUE(o1 && *o1 && **o1 == "out");
  }());
  // Without a stderr pipe, reading it is an error that says why.
  auto q = start(loop, shell("true"));
  ASSERT_TRUE(q);
  auto r = loop.run(q->read_stderr_line());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::invalid);
}

TEST(Process, TerminateEscalatesToSigkillWhenSigtermIsTrapped) {
  Loop loop;
  // The shell ignores TERM and says so once the trap is installed; `wait` on a background
  // sleep keeps it responsive without exiting.
  auto p = start(loop, shell("trap '' TERM; echo ready; while :; do sleep 1; done"));
  ASSERT_TRUE(p);
  auto status = loop.run([&]() -> Task<ExitStatus> {
    auto ready = co_await p->read_line();
    EXPECT_TRUE(ready && *ready && **ready == "ready");
    auto t0 = std::chrono::steady_clock::now();
    auto st = co_await p->terminate(std::chrono::milliseconds(300));
    EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(300));
    co_return st;
  }());
  EXPECT_EQ(status.signal, SIGKILL);

  // A child that honours SIGTERM exits at once, long before the grace period.
  auto q = start(loop, shell("echo ready; exec sleep 1000"));
  ASSERT_TRUE(q);
  auto polite = loop.run([&]() -> Task<ExitStatus> {
    co_await q->read_line();
    co_return co_await q->terminate(std::chrono::seconds(20));
  }());
  EXPECT_EQ(polite.signal, SIGTERM);
}

TEST(Process, KillReachesTheWholeProcessGroup) {
  Loop loop;
  // The shell starts a grandchild and reports its pid; killing the group must reach it.
  auto p = start(loop, shell("sleep 1000 & echo $!; wait"));
  ASSERT_TRUE(p);
  auto grandchild = loop.run([&]() -> Task<pid_t> {
    auto line = co_await p->read_line();
    co_return line&&* line ? static_cast<pid_t>(std::stol(**line)) : -1;
  }());
  ASSERT_GT(grandchild, 0);
  EXPECT_TRUE(pid_exists(grandchild));
  p->kill(SIGKILL);
  auto st = loop.run(p->wait());
  EXPECT_EQ(st.signal, SIGKILL);
  // The grandchild was re-parented (to init or a subreaper), which may reap it late: it
  // counts as gone once the process table shows it dead or not at all. Polled with a deadline.
  auto gone = [&] {
    std::ifstream stat("/proc/" + std::to_string(grandchild) + "/stat");
    std::string pid_s, comm, state;
    return !(stat >> pid_s >> comm >> state) || state == "Z" || state == "X";
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!gone() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(gone()) << "grandchild " << grandchild << " survived the group kill";
}

TEST(Process, DestructorKillsAndReapsARunningChild) {
  Loop loop;
  pid_t pid = -1;
  {
    ProcessOptions o;
    o.argv = {"sleep", "1000"};
    auto p = start(loop, o);
    ASSERT_TRUE(p);
    pid = p->pid();
    EXPECT_TRUE(p->running());
    EXPECT_EQ(::kill(pid, 0), 0);
  }
  // Killed and reaped: the pid no longer exists at all (a zombie would still answer kill 0).
  EXPECT_EQ(::kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST(Process, PendingReadEndsWhenTheProcessIsDestroyed) {
  Loop loop;
  ProcessOptions o;
  o.argv = {"sleep", "1000"};
  auto p = start(loop, o);
  ASSERT_TRUE(p);
  auto strand = asio::make_strand(loop.executor());
  std::promise<Line> result;
  test::Flag reading;
  spawn_background(
      strand,
      [](test::Flag& reading, std::promise<Line>& result, Process& process) -> Task<void> {
        reading.set();  // the read below suspends before the strand runs anything else
        result.set_value(co_await process.read_line());
      }(reading, result, *p),
      "read_line");
  ASSERT_TRUE(reading.wait());
  asio::post(strand, [&] { p.reset(); });  // on the strand: the one-executor contract
  auto fut = result.get_future();
  ASSERT_EQ(fut.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto r = fut.get();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::cancelled);
}

TEST(Process, WriteToAnExitedChildIsAnError) {
  Loop loop;
  auto p = start(loop, shell("exec 0<&-; exit 0"));  // closes its stdin and exits
  ASSERT_TRUE(p);
  auto r = loop.run([&]() -> Task<Result<void>> {
    co_await p->wait();
    co_return co_await p->write(std::string(1 << 20, 'x'));
  }());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::io);
  EXPECT_NE(r.error().message.find("/bin/sh"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace kaos::net
