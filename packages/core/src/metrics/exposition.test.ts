import { describe, expect, it } from "vitest";
import { formatValue, histogramSamples, renderExposition } from "./exposition.ts";
import { parseProbeCounters, probeFailureReason, tallyProbes, PROBE_LATENCY_BOUNDS_S } from "./probe-counters.ts";
import type { ProbeObservation } from "@ops/domain";

describe("exposition writer", () => {
  it("writes HELP, TYPE and samples, escaping label values and help text as the format says", () => {
    const text = renderExposition([
      {
        name: "openclaw_ops_x",
        type: "gauge",
        help: 'a\\b\nc "q"',
        samples: [{ labels: { target: 'we"ird\\na\nme', kind: "agent" }, value: 1.5 }, { value: 2 }],
      },
    ]);
    expect(text).toBe(
      [
        '# HELP openclaw_ops_x a\\\\b\\nc "q"',
        "# TYPE openclaw_ops_x gauge",
        'openclaw_ops_x{target="we\\"ird\\\\na\\nme",kind="agent"} 1.5',
        "openclaw_ops_x 2",
        "",
      ].join("\n"),
    );
  });
  it.each<[number, string]>([
    [0, "0"],
    [1e21, "1e+21"],
    [NaN, "NaN"],
    [Infinity, "+Inf"],
    [-Infinity, "-Inf"],
    [0.001, "0.001"],
  ])("value %s → %s", (v, s) => expect(formatValue(v)).toBe(s));
  it("refuses a bad metric or label name", () => {
    expect(() => renderExposition([{ name: "bad-name", type: "gauge", help: "h", samples: [] }])).toThrow(/bad metric name/);
    expect(() => renderExposition([{ name: "ok", type: "gauge", help: "h", samples: [{ labels: { "bad-label": "x" }, value: 1 }] }])).toThrow(/bad label/);
    expect(() => renderExposition([{ name: "ok", type: "gauge", help: "h", samples: [{ labels: { __reserved: "x" }, value: 1 }] }])).toThrow(/bad label/);
  });
  it("a histogram's buckets are cumulative, end in +Inf, and count equals the +Inf bucket", () => {
    const s = histogramSamples({ check: "http" }, [0.1, 1], [2, 3, 4], 5.5);
    expect(s.map((x) => [x.suffix, x.labels?.le ?? null, x.value])).toEqual([
      ["_bucket", "0.1", 2],
      ["_bucket", "1", 5],
      ["_bucket", "+Inf", 9],
      ["_sum", null, 5.5],
      ["_count", null, 9],
    ]);
  });
});

describe("probe counters", () => {
  const http = (kind: "response" | "timeout", latencyMs: number, statusCode = 200): ProbeObservation => ({
    check: "http",
    at: 0,
    path: "/",
    response: kind === "response" ? { kind, statusCode, body: "", latencyMs } : { kind, message: "t", latencyMs },
  });
  it.each<[string, ProbeObservation, string | null]>([
    ["200", http("response", 10), null],
    ["301", http("response", 10, 301), null],
    ["503", http("response", 10, 503), "http_status"],
    ["timeout", http("timeout", 5000), "timeout"],
    ["tcp connected", { check: "tcp", at: 0, connect: { kind: "response", statusCode: 0, body: "", latencyMs: 3 } }, null],
    ["tcp refused", { check: "tcp", at: 0, connect: { kind: "refused", message: "r", latencyMs: 1 } }, "refused"],
  ])("%s → failure reason %s", (_, obs, reason) => expect(probeFailureReason(obs)).toBe(reason));

  it("tallies a shard into hash increments and reads them back", () => {
    // 4 ms → first bucket (≤ 5 ms); 500 ms → the 0.5 s bucket (bounds are inclusive); 20 s → +Inf
    const tally = tallyProbes([http("response", 4), http("response", 500), http("timeout", 20_000), http("response", 40, 500)]);
    const i05 = PROBE_LATENCY_BOUNDS_S.indexOf(0.5);
    expect(Object.fromEntries(tally)).toEqual({
      "p|http": 4,
      "f|http|timeout": 1,
      "f|http|http_status": 1,
      "b|http|0": 1,
      [`b|http|${i05}`]: 1,
      [`b|http|${PROBE_LATENCY_BOUNDS_S.length}`]: 1,
      "b|http|3": 1, // 40 ms: ≤ 0.05 s
      "s|http": 4_000 + 500_000 + 20_000_000 + 40_000,
    });
    const read = parseProbeCounters(Object.fromEntries([...tally].map(([k, v]) => [k, String(v)])));
    expect(read.probes).toEqual({ openclaw: 0, http: 4, tcp: 0 });
    expect(read.sumSeconds.http).toBeCloseTo(20.544, 9);
    expect(read.failures).toEqual([
      { check: "http", reason: "http_status", count: 1 },
      { check: "http", reason: "timeout", count: 1 },
    ]);
    expect(read.buckets.http.reduce((a, b) => a + b, 0)).toBe(4);
  });
});
