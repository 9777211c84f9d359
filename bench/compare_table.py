#!/usr/bin/env python3
"""The comparison table of bench/compare.sh: reads the Google Benchmark JSON of every
suite and the JavaScript peers' JSON from one results folder, and prints the table
(workload, gitops-sim's figure, each peer's, the ratio, the estimated floor, the target)
or, with --doc FILE, writes it into FILE between the compare:begin/compare:end markers.

    compare_table.py RESULTS_DIR [--doc docs/benchmarks.md]
"""
import argparse
import json
import pathlib
import sys

BEGIN = "<!-- compare:begin (bench/compare.sh writes this block) -->"
END = "<!-- compare:end -->"
UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


class Results:
    def __init__(self, folder):
        self.folder = pathlib.Path(folder)
        self.suites = {}
        self.context = None
        for path in sorted(self.folder.glob("*_bench.json")):
            data = json.loads(path.read_text())
            self.context = self.context or data.get("context")
            self.suites[path.stem] = [b for b in data.get("benchmarks", []) if b.get("run_type", "iteration") == "iteration" and not b.get("error_occurred")]
        peers = self.folder / "peers.json"
        self.peers = json.loads(peers.read_text()) if peers.exists() else {"results": [], "libraries": {}}

    def find(self, suite, name):
        """The run whose name is `name` (ignoring Google Benchmark's /real_time-style suffixes)."""
        for b in self.suites.get(suite, []):
            base = b["name"]
            for suffix in ("/real_time", "/manual_time", "/iterations:1"):
                base = base.replace(suffix, "")
            if base == name:
                return b
        return None

    def ns(self, suite, name):
        b = self.find(suite, name)
        return None if b is None else b["real_time"] * UNIT_NS[b.get("time_unit", "ns")]

    def counter(self, suite, name, key):
        b = self.find(suite, name)
        return None if b is None else b.get(key)

    def peer_ns(self, label, library):
        for r in self.peers.get("results", []):
            if r["label"] == label and r["library"] == library:
                return r["ns_per_op"]
        return None


def fmt_time(ns):
    if ns is None:
        return "n/a"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def fmt_ratio(x):
    if x is None:
        return ""
    return f"{x:,.0f}x" if x >= 100 else f"{x:.3g}x"


def build_rows(r):
    rows = []  # (workload, ours, peer name, peer figure, ratio peer/ours, floor, ours/floor, target)
    bandwidth = r.counter("diff_bench", "Floor/MemoryRead", "bytes_per_second")

    def floor_ns(live_bytes):
        return live_bytes / bandwidth * 1e9 if bandwidth and live_bytes else None

    js = ["fast-json-patch", "jsondiffpatch", "microdiff"]
    for label, kind, target in (
        ("Deployment/one-change", "OneShot", "≥10x nlohmann, faster than every JS peer"),
        ("Deployment/one-change", "Compare", ""),
        ("Deployment/in-sync", "Compare", "within 2x of the floor"),
        ("ConfigMap-200KB/one-change", "Compare", ""),
    ):
        ours = r.ns("diff_bench", f"{kind}/{label}")
        live_bytes = r.counter("diff_bench", f"Compare/{label}", "live_bytes")
        floor = floor_ns(live_bytes)
        what = {"OneShot": "JSON in, changes out (normalize included)", "Compare": "prepared trees (per-refresh compare)"}[kind]
        workload = f"diff {label} ({live_bytes / 1000:.1f} KB live), {what}" if live_bytes else f"diff {label}, {what}"
        first = True
        for peer in ["nlohmann::json::diff"] + js:
            p = r.ns("diff_bench", f"Nlohmann/{label}") if peer.startswith("nlohmann") else r.peer_ns(label, peer)
            rows.append((workload if first else "〃", fmt_time(ours) if first else "", peer, fmt_time(p),
                         fmt_ratio(p / ours) if p and ours else "", fmt_time(floor) if first and floor else "",
                         fmt_ratio(ours / floor) if first and floor and ours else "", target if first else ""))
            first = False

    app = r.ns("diff_bench", "App10k/Compare/in-sync/10000")
    rows.append(("diff: app of 10,000 objects in sync", fmt_time(app), "nlohmann::json::diff", fmt_time(r.ns("diff_bench", "App10k/Nlohmann/in-sync/10000")),
                 fmt_ratio(r.ns("diff_bench", "App10k/Nlohmann/in-sync/10000") / app) if app and r.ns("diff_bench", "App10k/Nlohmann/in-sync/10000") else "",
                 "", "", "under 10 ms"))

    refresh = r.ns("sync_bench", "Refresh/Unchanged/10000")
    rows.append(("sync: refresh of an unchanged 10,000-resource app", fmt_time(refresh), "Argo CD (argo-cd#19463)", "minutes reported", "", "", "", "under 10 ms"))
    changed = r.ns("sync_bench", "Refresh/OneLiveChange/10000")
    rows.append(("sync: the same after one live change", fmt_time(changed), "", "", "", "", "", ""))
    cycle = r.ns("sync_bench", "Refresh/AllApps/x20/1000")
    rows.append(("sync: one refresh of 1,000 apps x 20 resources", fmt_time(cycle), "", "", "", "", "", ""))

    for text in ("manifests", "live-objects"):
        ours = r.counter("yaml_bench", f"Load/{text}", "bytes_per_second")
        raw = r.counter("yaml_bench", f"YamlCpp/{text}", "bytes_per_second")
        parse = r.counter("yaml_bench", f"JsonParse/{text}", "bytes_per_second")
        hit = r.counter("yaml_bench", f"CacheHit/{text}", "bytes_per_second")
        mbps = lambda x: f"{x / 1e6:.3g} MB/s" if x else "n/a"
        rows.append((f"yaml: load {text} (to JSON, positions kept)", mbps(ours), "yaml-cpp LoadAll alone", mbps(raw), fmt_ratio(ours / raw) if ours and raw else "", "", "", ""))
        rows.append(("〃", "", "nlohmann::json::parse, same data as JSON", mbps(parse), fmt_ratio(ours / parse) if ours and parse else "", "", "", ""))
        rows.append((f"yaml: {text} again, cache hit by Git blob id", mbps(hit), "", "", "", "", "", ""))

    for n in (10, 1000):
        cold = r.ns("render_bench", f"Render/kustomize/Cold/{n}")
        cached = r.ns("render_bench", f"Render/kustomize/Cached/{n}")
        kubectl = r.ns("render_bench", f"Render/KubectlKustomize/{n}")
        if cold is None:
            continue
        rows.append((f"render: kustomize app of {n:,} objects, cold", fmt_time(cold), "kubectl kustomize", fmt_time(kubectl), fmt_ratio(kubectl / cold) if kubectl else "", "", "", ""))
        rows.append((f"render: the same, cached", fmt_time(cached), "", "", "", "", "", "≥100x faster than cold" if n == 1000 else ""))

    for ours_name, peer_name, workload in (("Commit/Clone/tmpfs", "Commit/GitCli/tmpfs", "git: commit one changed file (100-file tree, tmpfs)"),
                                           ("ReadTree/Cached/tmpfs", "ReadTree/GitCli/tmpfs", "git: read an app folder at a revision"),
                                           ("ReadTree/Cold/tmpfs", "ReadTree/GitCli/tmpfs", "git: the same, cold")):
        ours = r.ns("git_bench", ours_name)
        peer = r.ns("git_bench", peer_name)
        rows.append((workload, fmt_time(ours), "git CLI", fmt_time(peer), fmt_ratio(peer / ours) if ours and peer else "", "", "", ""))

    run = "BM_CreateAndRollOut"
    pods = r.counter("fakecluster_bench", run, "pods")
    writes = r.counter("fakecluster_bench", run, "writes_per_s")
    rss = r.counter("fakecluster_bench", run, "peak_rss_MiB")
    per_object = r.counter("fakecluster_bench", run, "bytes_per_object")
    label = f"{int(pods):,} pods" if pods else "pods"
    rows.append((f"fake cluster: create and roll out {label}, API writes/s", f"{writes:,.0f}/s" if writes else "n/a", "", "", "", "", "", "≥200,000/s"))
    rows.append((f"fake cluster: peak RSS for {label}", f"{rss:,.0f} MiB ({per_object / 1000:.1f} KB per object)" if rss and per_object else "n/a", "", "", "", "", "", "under 2 GiB for 100,000 pods"))

    day = r.find("scenario_bench", "World/day")
    if day:
        wall = day["real_time"] * UNIT_NS[day.get("time_unit", "ns")]
        rows.append((f"world: the simulated day ({day.get('label', '')})", fmt_time(wall), "", "", "", "", "", "under 60 s for 100 apps x 5,000 commits"))
        rows.append(("〃 logged events / s, virtual s / wall s", f"{day.get('log_events_per_s', 0):,.0f} / {day.get('virtual_s_per_wall_s', 0):,.0f}", "", "", "", "", "", ""))
    return rows


def render(r):
    ctx = r.context or {}
    libs = ", ".join(f"{k} {v}" for k, v in sorted(r.peers.get("libraries", {}).items()))
    lines = [BEGIN, "",
             f"Generated by `make bench-compare` (bench/compare.sh) on {ctx.get('date', '?')}: {ctx.get('host_name', '?')}, "
             f"{ctx.get('num_cpus', '?')} CPUs at {ctx.get('mhz_per_cpu', '?')} MHz, {ctx.get('library_build_type', '?')} Google Benchmark library. "
             f"JavaScript peers: Node {r.peers.get('node', '?')}, {libs or 'not run'}. "
             "Ratio = peer time / gitops-sim time (above 1: gitops-sim is faster), or for rates gitops-sim / peer. "
             "Floor = the object's live bytes read once at the machine's measured memory bandwidth (`Floor/MemoryRead`).",
             "",
             "| workload | gitops-sim | peer | peer figure | ratio | floor | vs floor | target |",
             "|---|---:|---|---:|---:|---:|---:|---|"]
    for row in build_rows(r):
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", END]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("--doc")
    args = parser.parse_args()
    r = Results(args.results)
    if not r.suites:
        sys.exit(f"compare_table.py: no *_bench.json in {args.results}")
    block = render(r)
    if not args.doc:
        print(block)
        return
    doc = pathlib.Path(args.doc)
    text = doc.read_text()
    begin, end = text.find(BEGIN), text.find(END)
    if begin < 0 or end < begin:
        sys.exit(f"compare_table.py: {doc} has no '{BEGIN}' ... '{END}' block to replace")
    doc.write_text(text[:begin] + block + text[end + len(END):])
    print(block)
    print(f"\ncompare_table.py: wrote the table into {doc}")


if __name__ == "__main__":
    main()
