-- wrk script: POST the JSON body in the file named by env BODY_FILE (the exact request the agent
-- sends its model, built by run.sh) and check every answer: 200 and a chat completion
-- (`"choices"` in the body); wrong ones are printed as "bad_responses: N" (parse_wrk.py fails).
local threads = {}
function setup(thread) table.insert(threads, thread) end

function init(args)
  bad = 0
  local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = f:read("*a")
  f:close()
end

function response(status, hdrs, body)
  if status ~= 200 or not body:find('"choices"', 1, true) then bad = bad + 1 end
end

function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  io.write(string.format("bad_responses: %d\n", b))
end
