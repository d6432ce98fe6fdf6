import { createRequire } from "node:module";
import { readEnv } from "@ops/config";
import { SloBody } from "@ops/contract";
import {
  PROBE_LATENCY_BOUNDS_S,
  TARGET_STATUS_CODE,
  createSlo,
  listSlos,
  probeFailureReason,
  recordProbeCounters,
  runProbeShard,
  systemContext,
} from "@ops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, startApi, type Json } from "./harness.ts";

// The exposition parser ships CommonJS without types.
type ParsedFamily = {
  name: string;
  help: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string>; buckets?: Record<string, string> }[];
};
const parsePrometheusTextFormat = createRequire(import.meta.url)("parse-prometheus-text-format") as (text: string) => ParsedFamily[];

/**
 * parse-prometheus-text-format accepts malformed lines silently and keeps one labelled histogram per family, so
 * every line is also checked against the format's grammar here, and samples are read back with their labels.
 */
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/;
function strictSamples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  const typed = new Set<string>();
  expect(text.endsWith("\n")).toBe(true);
  for (const line of text.slice(0, -1).split("\n")) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$/.exec(line);
    if (type) {
      expect(typed.has(type[1]!), `TYPE ${type[1]} twice`).toBe(false);
      typed.add(type[1]!);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
    const m = SAMPLE.exec(line);
    expect(m, `not an exposition line: ${line}`).not.toBeNull();
    const [, name, labelText, value] = m!;
    const family = name!.replace(/_(bucket|sum|count)$/, "");
    expect(typed.has(name!) || typed.has(family), `${name} sampled before its TYPE`).toBe(true);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (labelText ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[k!] = v!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    out.push({ name: name!, labels, value: Number(value === "+Inf" ? Infinity : value) });
  }
  return out;
}

let api: Awaited<ReturnType<typeof startApi>>;
let viewer: Record<string, string>;
let oncall: Record<string, string>;

beforeAll(async () => {
  api = await startApi();
  viewer = (await api.signIn(["viewer"])).headers;
  oncall = (await api.signIn(["oncall"])).headers;
});
afterAll(async () => {
  await api?.close();
});

async function scrape(headers: Record<string, string> = {}) {
  const res = await fetch(`${api.base}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  const text = await res.text();
  return { text, families: parsePrometheusTextFormat(text), samples: strictSamples(text) };
}
const familyOf = (families: ParsedFamily[], name: string) => {
  const f = families.find((x) => x.name === name);
  expect(f, `family ${name}`).toBeDefined();
  return f!;
};
const valueOf = (f: ParsedFamily, labels: Record<string, string> = {}) =>
  Number(f.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value ?? NaN);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("GET /metrics", () => {
  it("series match the API's own numbers: targets, incidents, restarts, diagnoses, alerts, queues, probes, viewers", async () => {
    const names = api.config.fleet.targets.filter((t) => t.enabled).map((t) => t.name);
    // What the worker does for a shard: probe, record, and add the shard's probes to the counters.
    const outcome = await runProbeShard(api.stack.db, api.config, names, 1);
    expect(await recordProbeCounters(api.stack.redis, api.stack.prefix, outcome.observations)).toBe(true);
    const failedProbes = outcome.observations.filter((o) => probeFailureReason(o) !== null);

    const sql = api.stack.db.sql;
    const target = names[0]!;
    await sql`INSERT INTO restarts (target, attempt_key, attempt, kind, driver, status, reason, due_at)
      VALUES (${target}, 'm1', 1, 'restart', 'noop', 'healthy', 'test', now()), (${target}, 'm2', 2, 'restart', 'noop', 'failed', 'test', now()),
             (${target}, 'm3', 3, 'restart', 'noop', 'failed', 'test', now()), (${target}, 'm4', 4, 'restart', 'noop', 'starting', 'test', now())`;
    await sql`INSERT INTO diagnoses (target, evidence, outcome) VALUES (${target}, 'e', 'no-match'), (${target}, 'e', 'no-match'), (${target}, 'e', 'running')`;
    await sql`INSERT INTO alerts (target, kind, level, channel, status, title, message)
      VALUES (${target}, 'down', 'error', 'webhook', 'sent', 't', 'm'), (${target}, 'down', 'error', 'webhook', 'failed', 't', 'm'),
             (${target}, 'down', 'error', 'email', 'suppressed', 't', 'm'), (${target}, 'down', 'error', 'email', 'pending', 't', 'm')`;
    for (const severity of ["P1", "P3", "P3"])
      expect((await api.call("POST", "/api/incidents", oncall, { title: `m ${severity}`, severity })).status).toBe(201);
    const resolved = await api.call("POST", "/api/incidents", oncall, { title: "m resolved", severity: "P2" });
    expect((await api.call("POST", `/api/incidents/${(resolved.json.incident as Json).id}/resolve`, oncall, { summary: "done" })).status).toBeLessThan(300);
    const slo = await createSlo(
      api.stack.db,
      systemContext("test"),
      SloBody.parse({ name: "metrics availability", kind: "availability", selector: { type: "group", group: "all" }, objectivePercent: 99.9 }),
    );
    const live = await connect(api.ws, viewer);
    await live.next((f) => f.type === "snapshot");

    // The API's own answers.
    const targets = (await api.call("GET", "/api/targets", viewer)).json.targets as Json[];
    const summary = (await api.call("GET", "/api/targets/summary", viewer)).json;
    const incidents = (await api.call("GET", "/api/incidents?status=open&limit=200", viewer)).json.incidents as Json[];
    const restarts = (await api.call("GET", "/api/restarts?limit=500", viewer)).json.restarts as Json[];
    const diagnoses = (await api.call("GET", "/api/diagnoses?limit=200", viewer)).json.diagnoses as Json[];
    const alerts = (await api.call("GET", "/api/alerts?limit=200", viewer)).json.alerts as Json[];
    const [sloView] = await listSlos(api.stack.db);

    const { families, samples } = await scrape();
    live.close();

    const status = familyOf(families, "openclaw_ops_target_status");
    expect(status.type).toBe("GAUGE");
    expect(status.metrics).toHaveLength(targets.length);
    for (const t of targets) expect(valueOf(status, { target: t.name })).toBe(TARGET_STATUS_CODE[t.status as keyof typeof TARGET_STATUS_CODE]);
    const byStatus = familyOf(families, "openclaw_ops_targets");
    for (const [s, n] of Object.entries(summary.counts as Record<string, number>)) expect(valueOf(byStatus, { status: s })).toBe(n);

    const open = familyOf(families, "openclaw_ops_incidents_open");
    for (const sev of ["P1", "P2", "P3", "P4"]) expect(valueOf(open, { severity: sev })).toBe(incidents.filter((i) => i.severity === sev).length);
    expect(valueOf(open, { severity: "P3" })).toBe(2);
    expect(valueOf(open, { severity: "P2" })).toBe(0);

    const restartsTotal = familyOf(families, "openclaw_ops_restarts_total");
    expect(restartsTotal.type).toBe("COUNTER");
    for (const outcomeName of ["healthy", "failed"])
      expect(valueOf(restartsTotal, { kind: "restart", outcome: outcomeName })).toBe(restarts.filter((r) => r.status === outcomeName).length);
    expect(valueOf(restartsTotal, { outcome: "failed" })).toBe(2);
    expect(valueOf(familyOf(families, "openclaw_ops_restarts_in_progress"))).toBe(
      restarts.filter((r) => r.status === "starting" || r.status === "started").length,
    );

    const diag = familyOf(families, "openclaw_ops_doctor_diagnoses_total");
    expect(valueOf(diag, { case: "none", result: "no-match" })).toBe(diagnoses.filter((d) => d.outcome === "no-match").length);
    expect(diag.metrics.some((m) => m.labels?.result === "running")).toBe(false);

    const deliveries = familyOf(families, "openclaw_ops_alert_deliveries_total");
    for (const [channel, result] of [
      ["webhook", "sent"],
      ["webhook", "failed"],
      ["email", "suppressed"],
    ] as const)
      expect(valueOf(deliveries, { channel, result })).toBe(alerts.filter((a) => a.channel === channel && a.status === result).length);
    expect(valueOf(familyOf(families, "openclaw_ops_alert_deliveries_pending"), { channel: "email" })).toBe(1);

    // Probe counters: what the shard probed, from Redis; the histogram holds every probe once.
    const probes = familyOf(families, "openclaw_ops_probes_total");
    const byCheck = (check: string) => outcome.observations.filter((o) => o.check === check).length;
    for (const check of ["openclaw", "http", "tcp"]) {
      expect(valueOf(probes, { check })).toBe(byCheck(check));
      const buckets = samples.filter((s) => s.name === "openclaw_ops_probe_latency_seconds_bucket" && s.labels.check === check);
      expect(buckets.map((b) => b.labels.le)).toEqual([...PROBE_LATENCY_BOUNDS_S.map(String), "+Inf"]);
      expect(buckets.at(-1)!.value).toBe(byCheck(check));
      for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
      expect(samples.find((s) => s.name === "openclaw_ops_probe_latency_seconds_count" && s.labels.check === check)?.value).toBe(byCheck(check));
    }
    const failures = familyOf(families, "openclaw_ops_probe_failures_total");
    expect(failures.metrics.reduce((a, m) => a + Number(m.value), 0)).toBe(failedProbes.length);

    const queueJobs = familyOf(families, "openclaw_ops_queue_jobs");
    const waiting = await api.queues.probes.getJobCounts("waiting");
    expect(valueOf(queueJobs, { queue: "probes", state: "waiting" })).toBe(waiting.waiting);
    expect(queueJobs.metrics).toHaveLength(7 * 6);

    expect(valueOf(familyOf(families, "openclaw_ops_websocket_viewers"))).toBe(1);
    const sloLabels = { slo_id: String(slo.id), slo: "metrics availability", kind: "availability" };
    expect(valueOf(familyOf(families, "openclaw_ops_slo_objective_ratio"), sloLabels)).toBeCloseTo(0.999, 10);
    expect(valueOf(familyOf(families, "openclaw_ops_slo_error_budget_total_minutes"), sloLabels)).toBeCloseTo(43.2, 6);
    expect(valueOf(familyOf(families, "openclaw_ops_slo_error_budget_remaining_minutes"), sloLabels)).toBeCloseTo(sloView!.status.budget.remainingMinutes, 6);
    expect(valueOf(familyOf(families, "openclaw_ops_slo_error_budget_remaining_ratio"), sloLabels)).toBeCloseTo(
      sloView!.status.budget.remainingPercent / 100,
      6,
    );
    for (const window of ["5m", "30m", "1h", "6h", "3d"] as const)
      expect(valueOf(familyOf(families, "openclaw_ops_slo_burn_rate"), { ...sloLabels, window })).toBeCloseTo(sloView!.status.burnRates[window], 6);
    expect(
      familyOf(families, "openclaw_ops_slo_alert_firing")
        .metrics.map((m) => m.labels?.rule)
        .sort(),
    ).toEqual(["page-fast", "page-slow", "ticket"]);
    expect(valueOf(familyOf(families, "openclaw_ops_metrics_source_up"), { source: "slo" })).toBe(1);
    expect(valueOf(familyOf(families, "openclaw_ops_metrics_source_up"), { source: "postgres" })).toBe(1);
    expect(valueOf(familyOf(families, "openclaw_ops_metrics_source_up"), { source: "redis" })).toBe(1);
    expect(valueOf(familyOf(families, "openclaw_ops_process_resident_memory_bytes"), { process: "api" })).toBeGreaterThan(10 * 1024 * 1024);
    expect(valueOf(familyOf(families, "openclaw_ops_process_cpu_seconds_total"), { process: "api" })).toBeGreaterThan(0);
    for (const f of families) expect(f.name.startsWith("openclaw_ops_"), f.name).toBe(true);
  });

  it("database and Redis series are reused for 5 s, the fleet and viewers are read at every scrape", async () => {
    const first = await scrape();
    const before = valueOf(familyOf(first.families, "openclaw_ops_incidents_open"), { severity: "P4" });
    expect((await api.call("POST", "/api/incidents", oncall, { title: "m cached", severity: "P4" })).status).toBe(201);
    const live = await connect(api.ws, viewer);
    await live.next((f) => f.type === "snapshot");
    const second = await scrape();
    expect(valueOf(familyOf(second.families, "openclaw_ops_incidents_open"), { severity: "P4" })).toBe(before);
    expect(valueOf(familyOf(second.families, "openclaw_ops_websocket_viewers"))).toBe(1);
    live.close();
    await wait(5_100);
    const third = await scrape();
    expect(valueOf(familyOf(third.families, "openclaw_ops_incidents_open"), { severity: "P4" })).toBe(before + 1);
  });

  it("probe counters start again from zero when Redis comes back empty", async () => {
    await api.stack.redis.del(`${api.stack.prefix}:metrics:probe-counters`);
    await wait(5_100);
    const { families, samples } = await scrape();
    for (const check of ["openclaw", "http", "tcp"]) expect(valueOf(familyOf(families, "openclaw_ops_probes_total"), { check })).toBe(0);
    expect(samples.filter((s) => s.name === "openclaw_ops_probe_latency_seconds_count").every((s) => s.value === 0)).toBe(true);
  });
});

describe("GET /metrics is restricted", () => {
  let remote: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    // Loopback is not in this API's allow-list: every test request must bring a credential.
    remote = await startApi({ env: { OPS_METRICS_ALLOW: "10.0.0.0/8" } });
  });
  afterAll(async () => {
    await remote?.close();
  });

  it("an address outside the allow-list without credentials gets 401 in the product's error shape, and a security event", async () => {
    const res = await remote.call("GET", "/metrics", {});
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ statusCode: 401, code: "UNAUTHENTICATED" });
    expect(res.json.message).toMatch(/OPS_METRICS_ALLOW/);
    expect(typeof res.json.requestId).toBe("string");
    const [row] = await remote.stack.db.sql<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM security_events WHERE route = 'GET /metrics' AND kind = 'auth.unauthenticated'`;
    expect(row!.n).toBe(1);
  });

  it("an unknown token gets 401; a viewer token, a viewer session and an admin token may read", async () => {
    expect((await remote.call("GET", "/metrics", { authorization: "Bearer oco_not_a_real_token" })).status).toBe(401);
    for (const headers of [
      (await remote.tokenFor(["viewer"])).headers,
      (await remote.signIn(["viewer"])).headers,
      (await remote.tokenFor(["admin"])).headers,
    ]) {
      const res = await remote.call("GET", "/metrics", headers);
      expect(res.status).toBe(200);
      expect(parsePrometheusTextFormat(res.text).length).toBeGreaterThan(10);
    }
  });

  it("a signed-in user with no role gets 403", async () => {
    const res = await remote.call("GET", "/metrics", (await remote.signIn([])).headers);
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ statusCode: 403, code: "FORBIDDEN" });
  });

  it.each([
    ["127.0.0.1,10.0.0.0/40", "entry 2 (10.0.0.0/40)"],
    ["localhost", "entry 1 (localhost)"],
    ["::1/129", "entry 1 (::1/129)"],
  ])("a bad allow-list entry (%s) stops the process at start, naming the variable and the entry", (value, named) => {
    expect(() => readEnv({ OPS_METRICS_ALLOW: value })).toThrow(`OPS_METRICS_ALLOW: ${named} is not an IP address or CIDR range`);
  });
  it("an empty allow-list is allowed (a credential is then always needed); the default is loopback", () => {
    expect(readEnv({ OPS_METRICS_ALLOW: "" }).OPS_METRICS_ALLOW).toEqual([]);
    expect(readEnv({}).OPS_METRICS_ALLOW).toEqual(["127.0.0.1", "::1"]);
  });
});
