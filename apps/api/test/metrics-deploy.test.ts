import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { startApi } from "./harness.ts";

/** deploy/grafana/openclaw-ops.json and deploy/prometheus/rules.yml parse, and name only series GET /metrics writes. */
const DEPLOY = join(import.meta.dirname, "../../../deploy");

type Rule = { record?: string; alert?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
type Panel = { id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; targets?: { expr: string; refId: string }[] };

let written: Set<string>;
beforeAll(async () => {
  const api = await startApi();
  try {
    const text = await (await fetch(`${api.base}/metrics`)).text();
    written = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
  } finally {
    await api.close();
  }
});

/** The exposition family a name in a query refers to (a histogram's _bucket/_sum/_count belong to it). */
const familyOf = (name: string) => (written.has(name) ? name : name.replace(/_(bucket|sum|count)$/, ""));
const seriesIn = (expr: string) => [...expr.matchAll(/(?<![:\w])(openclaw_ops_[a-z0-9_]+)/g)].map((m) => m[1]!);

describe("deploy/prometheus/rules.yml", () => {
  const doc = parseYaml(readFileSync(join(DEPLOY, "prometheus/rules.yml"), "utf8")) as { groups: { name: string; rules: Rule[] }[] };
  const rules = doc.groups.flatMap((g) => g.rules);
  const records = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));

  it("parses into named groups of rules, each a recording or an alerting rule with an expression", () => {
    expect(doc.groups.length).toBeGreaterThanOrEqual(3);
    expect(new Set(doc.groups.map((g) => g.name)).size).toBe(doc.groups.length);
    for (const r of rules) {
      expect(Boolean(r.record) !== Boolean(r.alert), JSON.stringify(r)).toBe(true);
      expect(typeof r.expr).toBe("string");
      if (r.record) expect(r.record).toMatch(/^openclaw_ops:[a-z0-9_:]+$/);
      if (r.alert) {
        expect(["page", "ticket"]).toContain(r.labels?.severity);
        expect(r.annotations?.summary).toBeTruthy();
      }
    }
  });

  it("names only series GET /metrics writes and recording rules it defines", () => {
    for (const r of rules) {
      for (const name of seriesIn(r.expr)) expect(written, `${r.record ?? r.alert}: ${name}`).toContain(familyOf(name));
      for (const [rec] of r.expr.matchAll(/openclaw_ops:[a-z0-9_:]+/g)) expect(records, `${r.alert ?? r.record}: ${rec}`).toContain(rec);
    }
  });

  it("has the workbook's multi-window, multi-burn-rate alerts over the SLO burn-rate series", () => {
    const alert = (name: string) => rules.find((r) => r.alert === name)!;
    expect(alert("OpenClawOpsSloFastBurn").expr).toMatch(/window="1h"\} > 14\.4[\s\S]*window="5m"\} > 14\.4/);
    expect(alert("OpenClawOpsSloFastBurn").labels?.severity).toBe("page");
    expect(alert("OpenClawOpsSloSlowBurn").expr).toMatch(/window="6h"\} > 6[\s\S]*window="30m"\} > 6/);
    expect(alert("OpenClawOpsSloSlowBurn").labels?.severity).toBe("page");
    expect(alert("OpenClawOpsSloBudgetTicket").expr).toMatch(/window="3d"\} > 1$/);
    expect(alert("OpenClawOpsSloBudgetTicket").labels?.severity).toBe("ticket");
  });
});

describe("deploy/grafana/openclaw-ops.json", () => {
  const dash = JSON.parse(readFileSync(join(DEPLOY, "grafana/openclaw-ops.json"), "utf8")) as { uid: string; title: string; panels: Panel[] };
  const panels = dash.panels.filter((p) => p.type !== "row");

  it("parses as a dashboard with unique panel ids, each on the 24-column grid", () => {
    expect(dash.uid).toBe("openclaw-ops");
    expect(new Set(dash.panels.map((p) => p.id)).size).toBe(dash.panels.length);
    for (const p of dash.panels) expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
  });

  it("shows fleet status, probe latency, failures, restarts, alerts, incidents, SLO budgets, queues and viewers", () => {
    const shown = new Set(panels.flatMap((p) => (p.targets ?? []).flatMap((t) => seriesIn(t.expr).map(familyOf))));
    for (const name of [
      "openclaw_ops_targets",
      "openclaw_ops_target_status",
      "openclaw_ops_probe_latency_seconds",
      "openclaw_ops_probe_failures_total",
      "openclaw_ops_restarts_total",
      "openclaw_ops_alert_deliveries_total",
      "openclaw_ops_incidents_open",
      "openclaw_ops_slo_error_budget_remaining_ratio",
      "openclaw_ops_slo_burn_rate",
      "openclaw_ops_queue_jobs",
      "openclaw_ops_websocket_viewers",
    ])
      expect(shown, name).toContain(name);
  });

  it("queries only series GET /metrics writes", () => {
    for (const p of panels) {
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) for (const name of seriesIn(t.expr)) expect(written, `${p.title}: ${name}`).toContain(familyOf(name));
    }
  });
});
