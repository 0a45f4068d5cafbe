#!/usr/bin/env python3
"""Side-by-side timing of simulator commands, in interleaved rounds.

Each command prints a JSON document with a "reads" count (kvdo simulate
propagation --json, or the propagation anchors). Every round runs every
command once, in turn, so a drift in the machine's speed hits them all
alike; the table gives, per command, the median and the range over the
rounds of: CPU nanoseconds (user + system, the kernel's accounting of the
finished child) per read, wall-clock reads per second, and peak RSS.

usage: sidebyside.py ROUNDS NAME=COMMAND [NAME=COMMAND ...]
  e.g. sidebyside.py 7 'before=./kvdo-before simulate propagation --json' \
                       'after=./kvdo simulate propagation --json'
"""
import json
import os
import shlex
import statistics
import subprocess
import sys
import time


def run(cmd):
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - start
    if status != 0:
        sys.exit(f"{cmd[0]} failed with status {status}")
    text = out.decode()
    doc = json.loads(text[text.index("{"):])
    return {
        "reads": doc["reads"],
        "cpu": ru.ru_utime + ru.ru_stime,
        "wall": wall,
        "rss_mb": ru.ru_maxrss / 1024,
    }


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    rounds = int(sys.argv[1])
    cmds = []
    for arg in sys.argv[2:]:
        name, _, cmd = arg.partition("=")
        cmds.append((name, shlex.split(cmd)))
    rows = {name: [] for name, _ in cmds}
    for r in range(rounds):
        for name, cmd in cmds:
            rows[name].append(run(cmd))
        print(f"round {r + 1}/{rounds} done", file=sys.stderr)

    def fmt(xs, f):
        return f"{f(statistics.median(xs))} ({f(min(xs))}-{f(max(xs))})"

    def ns_per_read(x):
        return 1e9 * x["cpu"] / x["reads"]

    # Speed relative to the first and to the last command, round by round
    # (a pair of runs shares the machine's state): >1 is faster.
    first, last = cmds[0][0], cmds[-1][0]
    print(f"{rounds} interleaved rounds; median (min-max)")
    print(f"| command | reads | CPU ns/read | reads per wall s (M) | peak RSS MB | speed vs {first} | speed vs {last} |")
    print(f"|---|---|---|---|---|---|---|")
    for name, _ in cmds:
        rs = rows[name]
        reads = rs[0]["reads"]
        ns = [ns_per_read(x) for x in rs]
        rps = [x["reads"] / x["wall"] / 1e6 for x in rs]
        rss = [x["rss_mb"] for x in rs]
        vs_first = [ns_per_read(a) / ns_per_read(x) for a, x in zip(rows[first], rs)]
        vs_last = [ns_per_read(a) / ns_per_read(x) for a, x in zip(rows[last], rs)]
        print(f"| {name} | {reads:,} | {fmt(ns, lambda v: f'{v:.1f}')} | "
              f"{fmt(rps, lambda v: f'{v:.1f}')} | {fmt(rss, lambda v: f'{v:.0f}')} | "
              f"{fmt(vs_first, lambda v: f'{v:.2f}x')} | {fmt(vs_last, lambda v: f'{v:.2f}x')} |")


if __name__ == "__main__":
    main()
