#!/usr/bin/env python3
"""Reads wrk --latency output on stdin; prints "req/s p50_us p99_us". Fails on socket errors,
non-2xx responses, or a "bad_responses: N" line (N > 0) printed by a wrk script that checks
bodies, so a broken server cannot pass for a fast one. Shared by every bench/*/run.sh."""
import re
import sys

text = sys.stdin.read()
def us(v, unit):
    return float(v) * {"us": 1, "ms": 1000, "s": 1e6}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
lat = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", text, re.M))
def parse(s):
    m = re.match(r"([\d.]+)(us|ms|s)$", s)
    return us(m.group(1), m.group(2))
if re.search(r"Non-2xx or 3xx responses", text) or re.search(r"Socket errors", text):
    sys.stderr.write(text)
    sys.exit("wrk saw errors: the server under test did not answer every request with 2xx")
bad = re.search(r"^bad_responses:\s+(\d+)", text, re.M)
if bad and int(bad.group(1)) > 0:
    sys.stderr.write(text)
    sys.exit(f"wrk script saw {bad.group(1)} wrong responses (status or body)")
print(f"{rps:.0f} {parse(lat['50']):.1f} {parse(lat['99']):.1f}")
