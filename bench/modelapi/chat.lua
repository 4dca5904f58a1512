-- wrk script: POST a ~1 KB OpenAI chat completion request (the shape agents send).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"model":"bench-model","temperature":0.2,"max_tokens":256,"messages":[]] ..
  [[{"role":"system","content":"You are a careful assistant working inside a multi-agent system. Answer briefly, cite the tools you used and never invent facts. When a tool fails, say so plainly and suggest the next step."},]] ..
  [[{"role":"user","content":"Summarise the status of the deployment pipeline for service checkout-api in namespace shop-prod, including failing steps, the last successful build, and whether a rollback is recommended. Keep it under one hundred words and list the evidence you relied on."},]] ..
  [[{"role":"assistant","content":"I will look at the pipeline runs and the deployment history first, then summarise what I find for checkout-api in shop-prod."},]] ..
  [[{"role":"user","content":"Go ahead. Also mention how long the last three builds took and whether any of them were retried by the CI system."}]}]]
