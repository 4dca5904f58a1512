-- wrk script for bench/connections: POST a user turn that makes the model mock call the MCP
-- server's echo tool (2 model calls + 1 tools/call per chat), and classify every answer:
--   ok      200 with the tool's result as content
--   sorry   200 without it: a failed run answered as content (KAOS's "Sorry, I encountered an
--           error: …", what the build before issue 12 sends)
--   failed  any other status (a failed run is 502 since issue 12)
-- Printed as "answers: ok=N sorry=N failed=N" for run.sh; never fails the run itself.
local threads = {}
function setup(thread) table.insert(threads, thread) end

function init(args)
  ok, sorry, failed = 0, 0, 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"model":"agent","messages":[{"role":"user","content":"echo {\\"message\\":\\"hi\\"}"}]}'
end

function response(status, hdrs, body)
  if status ~= 200 then
    failed = failed + 1
  elseif body:find('"content":"Echo: hi"', 1, true) then
    ok = ok + 1
  else
    sorry = sorry + 1
  end
end

function done(summary, latency, requests)
  local o, s, f = 0, 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok"); s = s + t:get("sorry"); f = f + t:get("failed")
  end
  io.write(string.format("answers: ok=%d sorry=%d failed=%d\n", o, s, f))
end
