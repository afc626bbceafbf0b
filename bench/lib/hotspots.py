#!/usr/bin/env python3
"""Hot spots from `jfr print --stack-depth 64 --events jdk.ExecutionSample` output: self time by method, inclusive
time by method and by component (package prefix), the first gateway frame, and samples by thread."""
import re
import sys
from collections import Counter

COMPONENTS = [
    ("JSON (Jackson, Vert.x Json)", ("com.fasterxml.jackson", "io.vertx.core.json")),
    ("event bus", ("io.vertx.core.eventbus",)),
    ("Vert.x Web router", ("io.vertx.ext.web",)),
    ("HTTP client (Vert.x)", ("io.vertx.core.http.impl.HttpClient", "io.vertx.core.http.impl.Http1xClient",
                              "io.vertx.core.net.impl.pool", "io.vertx.core.http.impl.pool")),
    ("HTTP codec (Netty)", ("io.netty.handler.codec.http",)),
    ("Netty transport/IO", ("io.netty.channel", "sun.nio.ch", "io.netty.buffer")),
    ("metrics (Micrometer)", ("io.micrometer", "io.vertx.micrometer")),
    ("regex", ("java.util.regex",)),
    ("logging", ("ch.qos.logback", "org.slf4j")),
    ("MCPStore code", ("io.mcpstore",)),
]


def main(path):
    samples = []
    stack, thread, in_stack = [], None, False
    with open(path) as f:
        for line in f:
            s = line.strip()
            if s.startswith("sampledThread"):
                m = re.search(r'"([^"]*)"', s)
                thread = m.group(1) if m else "?"
            elif s.startswith("stackTrace = ["):
                in_stack, stack = True, []
            elif in_stack and s == "]":
                in_stack = False
                samples.append((thread, stack))
            elif in_stack and s and s != "...":
                stack.append(re.sub(r"\s+line:.*$", "", s))
    total = len(samples)
    if not total:
        print("no samples")
        return
    self_c, incl, first_ours, threads, comps = Counter(), Counter(), Counter(), Counter(), Counter()
    for thread, st in samples:
        threads[re.sub(r"\d+$", "N", thread or "?")] += 1
        if st:
            self_c[st[0]] += 1
        for m in set(st):
            incl[m] += 1
        for fr in st:
            if fr.startswith("io.mcpstore"):
                first_ours[fr] += 1
                break
        seen = set()
        for name, prefixes in COMPONENTS:
            if any(fr.startswith(prefixes) for fr in st) and name not in seen:
                comps[name] += 1
                seen.add(name)

    def show(title, counter, n):
        print(f"## {title}")
        for k, v in counter.most_common(n):
            print(f"{100.0 * v / total:6.1f}%  {k}")
        print()

    print(f"{total} execution samples\n")
    show("Samples by thread", threads, 10)
    show("Inclusive by component (a sample counts once per component on its stack)", comps, 20)
    show("Self (top frame)", self_c, 30)
    show("Inclusive by method", incl, 200)
    show("Innermost MCPStore frame", first_ours, 30)


if __name__ == "__main__":
    main(sys.argv[1])
