-- wrk script: MCP `tools/call` of the `echo` tool on one reused session.
-- env MCP_SESSION_ID: the session (initialized beforehand by run.sh with curl).
-- env MCP_MAX_CALLS: stop each thread after this many responses (optional).
-- env MCP_EXPECT: text every answer must contain (default `"text":"Echo: hello"`, the native
-- echo; the python-string echo answers `"text":"hello"`).
-- Every request gets a fresh JSON-RPC id (thread number × 10^9 + counter: ids must not repeat
-- within a session), and every response is checked (200 and MCP_EXPECT in the body); the count
-- of wrong ones is printed as "bad_responses: N", which bench/lib/parse_wrk.py fails on.
local threads, nthreads = {}, 0
function setup(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
  table.insert(threads, thread)
end

function init(args)
  bad, calls, seq = 0, 0, 0
  max_calls = tonumber(os.getenv("MCP_MAX_CALLS") or "")
  expect = os.getenv("MCP_EXPECT") or '"text":"Echo: hello"'
  headers = {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json, text/event-stream",
    ["Mcp-Session-Id"] = os.getenv("MCP_SESSION_ID") or "",
  }
  prefix = '{"jsonrpc":"2.0","id":'
  suffix = ',"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello"}}}'
end

function request()
  seq = seq + 1
  return wrk.format("POST", "/mcp", headers, prefix .. (tid * 1000000000 + seq) .. suffix)
end

function response(status, hdrs, body)
  calls = calls + 1
  if status ~= 200 or not body:find(expect, 1, true) then bad = bad + 1 end
  if max_calls and calls >= max_calls then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  io.write(string.format("bad_responses: %d\n", b))
end
