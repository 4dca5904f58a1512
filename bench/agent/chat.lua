-- wrk script: POST one user turn to the agent's /v1/chat/completions (non-streaming) and check
-- every answer. env AGENT_EXPECT: text every answer must contain (default `"content":"done"`,
-- the DEBUG_MOCK_RESPONSES final answer); env AGENT_PROMPT: the user message (default "hi").
-- No X-Session-ID: every turn is a new session, as a client that does not keep one (the agent
-- mints an id and records the turn in its local memory).
-- Wrong answers (non-200 or missing AGENT_EXPECT) are counted and printed as
-- "bad_responses: N", which bench/lib/parse_wrk.py fails on.
local threads = {}
function setup(thread) table.insert(threads, thread) end

function init(args)
  bad = 0
  expect = os.getenv("AGENT_EXPECT") or '"content":"done"'
  local prompt = os.getenv("AGENT_PROMPT") or "hi"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"model":"agent","messages":[{"role":"user","content":"' .. prompt .. '"}]}'
end

function response(status, hdrs, body)
  if status ~= 200 or not body:find(expect, 1, true) then bad = bad + 1 end
end

function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  io.write(string.format("bad_responses: %d\n", b))
end
