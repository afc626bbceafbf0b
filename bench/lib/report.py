#!/usr/bin/env python3
"""Turns the raw figures of one bench/run (one JSON line per measurement) into the results JSON and a Markdown
table: every figure is the median over the runs, every ratio the median of ratios taken within the same run."""
import argparse
import json
import os
import platform
import subprocess
from collections import defaultdict
from statistics import median

TARGETS = {"s1": 1.0 / 0.7}


def machine(load_before, load_after, pressure_before="", pressure_after=""):
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.strip().splitlines()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "os": platform.platform(),
        "jvm": java[-1] if java else "",
        "java_version": java[0] if java else "",
        "node": node,
        "load_average_before": load_before,
        "load_average_after": load_after,
        # Linux PSI: share of time runnable tasks waited for a CPU (avg10 avg60 avg300)
        "cpu_pressure_before": pressure_before,
        "cpu_pressure_after": pressure_after,
    }


def med(values):
    values = [v for v in values if v is not None]
    return round(median(values), 3) if values else None


def summarize_calls(runs, reference, others):
    """Per (target, clients): medians; per clients: ratios against `reference` within each rep."""
    failed = defaultdict(list)
    for r in runs:
        if "failed" in r:
            failed[(r["target"], r["clients"])].append(r["failed"])
    runs = [r for r in runs if "failed" not in r]
    by = defaultdict(list)
    for r in runs:
        by[(r["target"], r["clients"])].append(r)
    rows = []
    for (target, clients), rs in sorted(by.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        cpu_keys = sorted({k for r in rs for k in r.get("cpu_cores", {})})
        rows.append({
            "target": target, "clients": clients, "runs": len(rs),
            "rps": med([r["rps"] for r in rs]),
            "p50_ms": med([r["p50_ms"] for r in rs]),
            "p99_ms": med([r["p99_ms"] for r in rs]),
            "errors": sum(r["errors"] + r.get("unanswered", 0) for r in rs),
            "cpu_cores": {k: med([r.get("cpu_cores", {}).get(k) for r in rs]) for k in cpu_keys},
            "rps_runs": [r["rps"] for r in rs],
        })
    for (target, clients), reasons in failed.items():
        if (target, clients) not in by:
            rows.append({"target": target, "clients": clients, "runs": 0, "failed": reasons[0], "rps": None,
                         "p50_ms": None, "p99_ms": None, "errors": 0, "cpu_cores": {}})
    rows.sort(key=lambda r: (r["clients"], r["target"]))
    ratios = []
    clients_levels = sorted({r["clients"] for r in runs})
    for c in clients_levels:
        per_rep = defaultdict(dict)
        for r in runs:
            if r["clients"] == c:
                per_rep[r["rep"]][r["target"]] = r
        entry = {"clients": c}
        for other in others:
            rps, p50d, p99 = [], [], []
            for rep in per_rep.values():
                if reference in rep and other in rep:
                    a, b = rep[reference], rep[other]
                    rps.append(a["rps"] / b["rps"] if b["rps"] else None)
                    p50d.append(a["p50_ms"] - b["p50_ms"])
                    p99.append(a["p99_ms"] / b["p99_ms"] if b["p99_ms"] else None)
            entry[other] = {"rps_ratio": med(rps), "p50_added_ms": med(p50d), "p99_ratio": med(p99)}
        ratios.append(entry)
    return {"rows": rows, "ratios": ratios}


def fmt(v, digits=2):
    if v is None:
        return "–"
    if isinstance(v, (int,)) or (isinstance(v, float) and v >= 100):
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def per_call(row, process):
    """CPU time one call cost `process` (its whole process tree), in µs: cores in use ÷ calls per second."""
    cores = row.get("cpu_cores", {}).get(process)
    if cores is None or not row.get("rps"):
        return "–"
    return f"{cores / row['rps'] * 1e6:,.0f}"


def cpu_text(cpu):
    return ", ".join(f"{k} {v:.2f}" for k, v in cpu.items() if v is not None and v >= 0.005)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--stamp", required=True)
    ap.add_argument("--load-before", default="")
    ap.add_argument("--load-after", default="")
    ap.add_argument("--pressure-before", default="")
    ap.add_argument("--pressure-after", default="")
    ap.add_argument("--reps", default="")
    ap.add_argument("--duration", default="")
    ap.add_argument("--gateway-commit", default="")
    a = ap.parse_args()

    raw = defaultdict(list)
    with open(a.raw) as f:
        for line in f:
            line = line.strip()
            if line:
                rec = json.loads(line)
                raw[rec["scenario"]].append(rec["data"])

    result = {
        "timestamp": a.stamp,
        "gateway_commit": a.gateway_commit,
        "machine": machine(a.load_before, a.load_after, a.pressure_before, a.pressure_after),
        "settings": {"reps": a.reps, "duration_s": a.duration},
        "raw": raw,
        "summary": {},
    }
    md = []
    m = result["machine"]
    md.append(f"Run {a.stamp} · gateway {a.gateway_commit} · {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB · "
              f"{m['java_version']} · node {m['node']} · load average before {a.load_before}, after {a.load_after} · "
              f"CPU pressure (PSI some avg10/60/300, % of time tasks waited for a CPU) before {a.pressure_before or '–'}, "
              f"after {a.pressure_after or '–'} · "
              f"median of {a.reps} runs of {a.duration} s")
    md.append("")

    if raw.get("s1"):
        s = summarize_calls(raw["s1"], "mcpstore", ["direct", "mcpstore-b", "mcpstore-stateless"])
        result["summary"]["s1"] = s
        md.append("**S1 overhead** — fast Streamable HTTP upstream, called directly and through MCPStore")
        md.append("")
        md.append("| clients | direct req/s | MCPStore req/s | ratio | direct p50 ms | MCPStore p50 ms | added p50 ms "
                  "| direct p99 ms | MCPStore p99 ms | CPU µs per call: upstream direct / gateway / upstream behind it "
                  "| CPU cores in use (MCPStore run) |")
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
        rows = {(r["target"], r["clients"]): r for r in s["rows"]}
        for ratio in s["ratios"]:
            c = ratio["clients"]
            d, g = rows.get(("direct", c)), rows.get(("mcpstore", c))
            if not d or not g:
                continue
            md.append(f"| {c} | {fmt(d['rps'])} | {fmt(g['rps'])} | {fmt(ratio['direct']['rps_ratio'])} | "
                      f"{fmt(d['p50_ms'], 3)} | {fmt(g['p50_ms'], 3)} | {fmt(ratio['direct']['p50_added_ms'], 3)} | "
                      f"{fmt(d['p99_ms'], 2)} | {fmt(g['p99_ms'], 2)} | "
                      f"{per_call(d, 'upstream')} / {per_call(g, 'gateway')} / {per_call(g, 'upstream')} | "
                      f"{cpu_text(g['cpu_cores'])} |")
        md.append("")
        st_rows = [r for r in s["rows"] if r["target"] == "mcpstore-stateless"]
        if st_rows:
            md.append("**S1 stateless** — the same load through MCPStore from 2026-07-28 clients (no session; `_meta` "
                      "and the standard headers on every request), measured in the same run (goal: stateless ÷ "
                      "session ≥ 1)")
            md.append("")
            md.append("| clients | session req/s | stateless req/s | stateless ÷ session | session p50 ms "
                      "| stateless p50 ms | stateless p99 ms | gateway CPU µs per call session / stateless | errors |")
            md.append("|---:|---:|---:|---:|---:|---:|---:|---|---:|")
            ratios = {r["clients"]: r for r in s["ratios"]}
            for r in st_rows:
                g = rows.get(("mcpstore", r["clients"]))
                ratio = ratios.get(r["clients"], {}).get("mcpstore-stateless", {}).get("rps_ratio")
                inverse = 1 / ratio if ratio else None
                md.append(f"| {r['clients']} | {fmt(g['rps']) if g else '–'} | {fmt(r['rps'])} | {fmt(inverse)} | "
                          f"{fmt(g['p50_ms'], 3) if g else '–'} | {fmt(r['p50_ms'], 3)} | {fmt(r['p99_ms'], 2)} | "
                          f"{per_call(g, 'gateway') if g else '–'} / {per_call(r, 'gateway')} | {r['errors']} |")
            md.append("")
        b_rows = [r for r in s["rows"] if r["target"] == "mcpstore-b"]
        if b_rows:
            md.append("**S1, second build** (`COMPARE_JAR`), measured in the same run")
            md.append("")
            md.append("| clients | mcpstore-b req/s | p50 ms | p99 ms | MCPStore ÷ mcpstore-b |")
            md.append("|---:|---:|---:|---:|---:|")
            ratios = {r["clients"]: r for r in s["ratios"]}
            for r in b_rows:
                md.append(f"| {r['clients']} | {fmt(r['rps'])} | {fmt(r['p50_ms'], 3)} | {fmt(r['p99_ms'], 2)} | "
                          f"{fmt(ratios.get(r['clients'], {}).get('mcpstore-b', {}).get('rps_ratio'))} |")
            md.append("")

    if raw.get("s1-auth"):
        s = summarize_calls(raw["s1-auth"], "mcpstore-auth", ["mcpstore"])
        result["summary"]["s1-auth"] = s
        md.append("**S1 auth** — the S1 load through MCPStore with security off, and with `security.enabled: true` "
                  "and an API key sent as bearer on every request (goal: at most 5 % fewer calls/s)")
        md.append("")
        md.append("| clients | auth off req/s | auth on req/s | on ÷ off | cost | off p50 ms | on p50 ms | added p50 ms "
                  "| off p99 ms | on p99 ms | gateway CPU µs per call off / on | errors off / on |")
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
        rows = {(r["target"], r["clients"]): r for r in s["rows"]}
        for ratio in s["ratios"]:
            c = ratio["clients"]
            off, on = rows.get(("mcpstore", c)), rows.get(("mcpstore-auth", c))
            if not off or not on:
                continue
            r = ratio["mcpstore"]["rps_ratio"]
            cost = f"{(1 - r) * 100:.1f} %" if r is not None else "–"
            md.append(f"| {c} | {fmt(off['rps'])} | {fmt(on['rps'])} | {fmt(r, 3)} | {cost} | "
                      f"{fmt(off['p50_ms'], 3)} | {fmt(on['p50_ms'], 3)} | "
                      f"{fmt(ratio['mcpstore']['p50_added_ms'], 3)} | {fmt(off['p99_ms'], 2)} | "
                      f"{fmt(on['p99_ms'], 2)} | {per_call(off, 'gateway')} / {per_call(on, 'gateway-auth')} | "
                      f"{off['errors']} / {on['errors']} |")
        for (target, c), row in sorted(rows.items()):
            if row.get("failed"):
                md.append(f"| {c} | {target} failed: {row['failed'][:160]} | | | | | | | | | | |")
        md.append("")

    if raw.get("s7"):
        s = summarize_calls(raw["s7"], "mcpstore", ["direct"])
        result["summary"]["s7"] = s
        md.append("**S7 REST tool** — a fast JSON API, `GET /api/pets/1` called directly, and as the rest tool "
                  "`api__get_pet` through MCPStore (`tools/call`; goal: under 0.2 ms added at p50 for one client)")
        md.append("")
        md.append("| clients | direct req/s | MCPStore calls/s | ratio | direct p50 ms | MCPStore p50 ms | added p50 ms "
                  "| direct p99 ms | MCPStore p99 ms | CPU µs per call: API direct / gateway / API behind it | errors |")
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
        rows = {(r["target"], r["clients"]): r for r in s["rows"]}
        for ratio in s["ratios"]:
            c = ratio["clients"]
            d, g = rows.get(("direct", c)), rows.get(("mcpstore", c))
            if not d or not g:
                continue
            md.append(f"| {c} | {fmt(d['rps'])} | {fmt(g['rps'])} | {fmt(ratio['direct']['rps_ratio'])} | "
                      f"{fmt(d['p50_ms'], 3)} | {fmt(g['p50_ms'], 3)} | {fmt(ratio['direct']['p50_added_ms'], 3)} | "
                      f"{fmt(d['p99_ms'], 2)} | {fmt(g['p99_ms'], 2)} | "
                      f"{per_call(d, 'upstream')} / {per_call(g, 'gateway')} / {per_call(g, 'upstream')} | "
                      f"{d['errors']} / {g['errors']} |")
        for (target, c), row in sorted(rows.items()):
            if row.get("failed"):
                md.append(f"| {c} | {target} failed: {row['failed'][:160]} | | | | | | | | | |")
        md.append("")

    if raw.get("s1-cluster"):
        s = summarize_calls(raw["s1-cluster"], "node2-hop", ["single", "node1"])
        result["summary"]["s1-cluster"] = s
        md.append("**S1 cluster** — the S1 load through a gateway that is not clustered, through node 1 of a two-node "
                  "cluster (which holds the upstream) and through node 2 (one event-bus hop to node 1)")
        md.append("")
        md.append("| clients | single req/s | node 1 req/s | node 2 (hop) req/s | hop ÷ single | single p50 ms "
                  "| node 1 p50 ms | node 2 p50 ms | added p50 ms (hop vs single) | single p99 ms | node 2 p99 ms "
                  "| CPU µs per call: single / node 1 / node 1 + node 2 (hop) | errors |")
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
        rows = {(r["target"], r["clients"]): r for r in s["rows"]}
        for ratio in s["ratios"]:
            c = ratio["clients"]
            one, n1, hop = rows.get(("single", c)), rows.get(("node1", c)), rows.get(("node2-hop", c))
            if not one or not n1 or not hop:
                continue
            both = "–"
            cores = hop["cpu_cores"]
            if hop.get("rps") and cores.get("node1") is not None and cores.get("node2") is not None:
                both = f"{(cores['node1'] + cores['node2']) / hop['rps'] * 1e6:,.0f}"
            md.append(f"| {c} | {fmt(one['rps'])} | {fmt(n1['rps'])} | {fmt(hop['rps'])} | "
                      f"{fmt(ratio['single']['rps_ratio'], 3)} | {fmt(one['p50_ms'], 3)} | {fmt(n1['p50_ms'], 3)} | "
                      f"{fmt(hop['p50_ms'], 3)} | {fmt(ratio['single']['p50_added_ms'], 3)} | "
                      f"{fmt(one['p99_ms'], 2)} | {fmt(hop['p99_ms'], 2)} | "
                      f"{per_call(one, 'single')} / {per_call(n1, 'node1')} / {both} | "
                      f"{one['errors']} / {n1['errors']} / {hop['errors']} |")
        for (target, c), row in sorted(rows.items()):
            if row.get("failed"):
                md.append(f"| {c} | {target} failed: {row['failed'][:160]} | | | | | | | | | | | |")
        md.append("")
        if any(t == "node2-session" for t, _ in rows):
            md.append("**S1 cluster, another node's session** — through node 2 in sessions opened on node 2 (own) and "
                      "in sessions opened on node 1 (served from their sealed ids; the owner is told of their use "
                      "once per sweep period)")
            md.append("")
            md.append("| clients | own session req/s | node 1's session req/s | ratio | own p50 ms | node 1's p50 ms "
                      "| own p99 ms | node 1's p99 ms | CPU µs per call node 1 + node 2: own / node 1's | errors |")
            md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")

            def both(row):
                cores = row["cpu_cores"]
                if row.get("rps") and cores.get("node1") is not None and cores.get("node2") is not None:
                    return f"{(cores['node1'] + cores['node2']) / row['rps'] * 1e6:,.0f}"
                return "–"

            for c in sorted({c for _, c in rows}):
                own, other = rows.get(("node2-hop", c)), rows.get(("node2-session", c))
                if not own or not other or not own.get("rps") or not other.get("rps"):
                    continue
                md.append(f"| {c} | {fmt(own['rps'])} | {fmt(other['rps'])} | {fmt(other['rps'] / own['rps'], 3)} | "
                          f"{fmt(own['p50_ms'], 3)} | {fmt(other['p50_ms'], 3)} | {fmt(own['p99_ms'], 2)} | "
                          f"{fmt(other['p99_ms'], 2)} | {both(own)} / {both(other)} | "
                          f"{own['errors']} / {other['errors']} |")
            md.append("")

    if raw.get("s2"):
        s = summarize_calls(raw["s2"], "mcpstore", ["supergateway", "mcp-proxy", "mcpstore-b"])
        result["summary"]["s2"] = s
        md.append("**S2 peers** — `@modelcontextprotocol/server-everything` (stdio) tool `echo`, over Streamable "
                  "HTTP with sessions")
        md.append("")
        md.append("| clients | gateway | req/s | p50 ms | p99 ms | errors | MCPStore req/s ÷ this | CPU µs per call "
                  "(gateway + its stdio server) | CPU cores in use |")
        md.append("|---:|---|---:|---:|---:|---:|---:|---:|---|")
        ratios = {r["clients"]: r for r in s["ratios"]}
        for r in s["rows"]:
            rr = ratios.get(r["clients"], {}).get(r["target"], {})
            if r.get("failed"):
                md.append(f"| {r['clients']} | {r['target']} | failed: {r['failed'][:120]} | | | | | | |")
                continue
            md.append(f"| {r['clients']} | {r['target']} | {fmt(r['rps'])} | {fmt(r['p50_ms'], 3)} | "
                      f"{fmt(r['p99_ms'], 2)} | {r['errors']} | {fmt(rr.get('rps_ratio'))} | "
                      f"{per_call(r, r['target'])} | {cpu_text(r['cpu_cores'])} |")
        md.append("")

    if raw.get("s3"):
        result["summary"]["s3"] = raw["s3"]
        md.append("**S3 scale** — one upstream process serving N Streamable HTTP endpoints of 50 tools each")
        md.append("")
        md.append("| services | tools | start → listening ms | start → /health/ready ms | full tools/list ms "
                  "(median; first) | pages | heap after GC MiB |")
        md.append("|---:|---:|---:|---:|---:|---:|---:|")
        for r in raw["s3"]:
            li = r["list"]
            md.append(f"| {r['services']} | {li['tools']:,} | {r['listening_ms']:,} | {r['ready_ms']:,} | "
                      f"{fmt(li['median_ms'], 1)} ; {fmt(li['first_ms'], 1)} | {li['pages']} | "
                      f"{r['heap_after_gc_kib'] / 1024:.0f} |")
        md.append("")

    if raw.get("s4"):
        result["summary"]["s4"] = raw["s4"]
        md.append("**S4 sessions** — Streamable HTTP sessions each holding a GET stream")
        md.append("")
        md.append("| sessions open (asked) | heap before MiB | heap after MiB | KiB per session | open time s "
                  "| tools/call p50 / p99 ms, 16 clients, before | same while open | req/s before → while open |")
        md.append("|---:|---:|---:|---:|---:|---|---|---|")
        for r in raw["s4"]:
            o, b, w = r["open"], r["baseline"], r["while_open"]
            per = (r["heap_after_kib"] - r["heap_before_kib"]) / o["opened"] if o["opened"] else None
            r["kib_per_session"] = per
            md.append(f"| {o['opened']:,} ({r['sessions_requested']:,}) | {r['heap_before_kib'] / 1024:.0f} | "
                      f"{r['heap_after_kib'] / 1024:.0f} | {fmt(per, 1)} | {o['open_seconds']:.1f} | "
                      f"{b['p50_ms']:.3f} / {b['p99_ms']:.2f} | {w['p50_ms']:.3f} / {w['p99_ms']:.2f} | "
                      f"{fmt(b['rps'])} → {fmt(w['rps'])} |")
        md.append("")

    if raw.get("s5"):
        result["summary"]["s5"] = raw["s5"]
        for r in raw["s5"]:
            if not r.get("measurable", True):
                md.append(f"**S5 hot reload** — not measurable: {r['reason']}.")
            else:
                ad, rm = r["add"], r["remove"]
                md.append(f"**S5 hot reload** — admin API change → `notifications/tools/list_changed` at a connected "
                          f"client, {r['rounds']} changes each way ({r['missed']} without a notification within 10 s): "
                          f"add a service p50 {ad['p50_ms']:.1f} ms, p99 {ad['p99_ms']:.1f} ms; remove it p50 "
                          f"{rm['p50_ms']:.1f} ms, p99 {rm['p99_ms']:.1f} ms")
            md.append("")

    if raw.get("s6"):
        ready = med([r["ready_ms"] for r in raw["s6"]])
        listening = med([r["listening_ms"] for r in raw["s6"]])
        hello = med([r.get("jvm_hello_ms") for r in raw["s6"]])
        result["summary"]["s6"] = {"ready_ms": ready, "listening_ms": listening, "jvm_hello_ms": hello,
                                   "runs": [r["ready_ms"] for r in raw["s6"]]}
        md.append(f"**S6 cold start** — `java -jar target/mcpstore.jar` with the default config (demo stdio "
                  f"upstream, a second JVM): listening after {fmt(listening)} ms, `/health/ready` 200 after "
                  f"**{fmt(ready)} ms** (median of {len(raw['s6'])}: {', '.join(str(r['ready_ms']) for r in raw['s6'])}); "
                  f"for scale, a JVM that only starts and exits took {fmt(hello)} ms at the same time")
        md.append("")

    if raw.get("profile"):
        result["summary"]["profile"] = raw["profile"]
        md.append("Profiles: " + ", ".join(f"{p['load']} → `bench/{p['hotspots']}`" for p in raw["profile"]))
        md.append("")

    table = "\n".join(md)
    result["markdown"] = table
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)
    print(table)


if __name__ == "__main__":
    main()
