#!/usr/bin/env python3
"""Where a server spends its CPU, from a dotnet-trace sampled-thread-time trace converted to speedscope:

    dotnet-trace convert --format speedscope verify.nettrace -o verify
    bench/profile-top.py verify.speedscope.json [incl|excl] [N]

Only time whose innermost frame is CPU_TIME counts (threads waiting are left out). incl: frames by inclusive share of the
CPU time; excl: by exclusive share."""
import collections
import json
import sys

path = sys.argv[1]
mode = sys.argv[2] if len(sys.argv) > 2 else "incl"
top = int(sys.argv[3]) if len(sys.argv) > 3 else 60
doc = json.load(open(path))
names = [f["name"] for f in doc["shared"]["frames"]]
inclusive, exclusive, total = collections.Counter(), collections.Counter(), 0.0
for profile in doc["profiles"]:
    stack, last = [], None
    for event in profile["events"]:
        if stack and last is not None and names[stack[-1]] == "CPU_TIME":
            spent = event["at"] - last
            total += spent
            exclusive[names[stack[-2]] if len(stack) > 1 else "?"] += spent
            for frame in {names[i] for i in stack}:
                inclusive[frame] += spent
        last = event["at"]
        if event["type"] == "O":
            stack.append(event["frame"])
        else:
            stack.pop()

print(f"CPU time sampled: {total:.0f} ms")
for frame, spent in (inclusive if mode == "incl" else exclusive).most_common(top):
    print(f"{100 * spent / max(total, 1e-9):6.2f}%  {frame[:180]}")
