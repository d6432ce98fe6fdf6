import { loadConfig, type OpsConfig } from "@ops/config";
import type { AlertFacts } from "@ops/domain";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAlerts, raiseAlert } from "../src/alerts/alerts.ts";
import { syncTargets } from "../src/targets/sync.ts";
import { openTestStack, writeTestConfig } from "../src/testing.ts";

let stack: Awaited<ReturnType<typeof openTestStack>>;
let cfg: ReturnType<typeof writeTestConfig>;
let config: OpsConfig;

const facts = (p: Partial<AlertFacts> = {}): AlertFacts => ({
  target: "beta",
  kind: "escalated",
  level: "critical",
  at: Date.now(),
  reason: "5 restarts within 600 s (connection refused)",
  failingSince: Date.now() - 12 * 60_000,
  restartsInWindow: 5,
  windowSeconds: 600,
  lastOkAt: Date.now() - 13 * 60_000,
  actions: ["restart 1 via simulator: failed"],
  diagnosis: null,
  incidentKey: null,
  ...p,
});
const DIAGNOSIS = "not-fixed: CASE-001 gateway config does not parse (exit 78); restore-config: the driver cannot";

beforeAll(async () => {
  stack = await openTestStack();
  // The shipped alerting config: console and file channels, 15 min cooldown.
  cfg = writeTestConfig();
  config = loadConfig(cfg.dir);
  await syncTargets(stack.db, config.fleet);
});
afterAll(async () => {
  await stack?.close();
  cfg?.remove();
});
beforeEach(async () => {
  await stack.db.sql`TRUNCATE alerts`;
});

describe("[ALERTS] follow-ups inside the cooldown", () => {
  it("the escalation alert, a true repeat suppressed, then the doctor's diagnosis as a follow-up per channel naming the first", async () => {
    const first = await raiseAlert(stack.db, config, facts());
    expect(first).toMatchObject({ suppressed: false, followsId: null });
    expect(first.ids).toHaveLength(2);
    const firstId = Math.min(...first.ids);

    expect(await raiseAlert(stack.db, config, facts({ reason: "still down" }))).toEqual({ ids: [], suppressed: true, followsId: null });

    const update = await raiseAlert(stack.db, config, facts({ diagnosis: DIAGNOSIS }));
    expect(update).toMatchObject({ suppressed: false, followsId: firstId });
    expect(update.ids).toHaveLength(2);
    const rows = (await listAlerts(stack.db, { target: "beta", limit: 20 })).filter((a) => update.ids.includes(a.id));
    expect(rows.map((r) => r.channel).sort()).toEqual(["console", "file"]);
    for (const r of rows) {
      expect(r).toMatchObject({ status: "pending", followsId: firstId, kind: "escalated" });
      expect(r.title).toMatch(
        new RegExp(`^\\[CRITICAL\\] beta: Update to alert #${firstId} \\(escalated, \\d\\d:\\d\\d UTC\\): diagnosis not-fixed: CASE-001`),
      );
      expect(r.message).toContain(`updates: alert #${firstId}`);
      expect(r.message).toContain(`diagnosis: ${DIAGNOSIS}`);
    }

    // The same diagnosis again is a repeat of the follow-up.
    expect((await raiseAlert(stack.db, config, facts({ diagnosis: DIAGNOSIS }))).suppressed).toBe(true);
    const all = await listAlerts(stack.db, { target: "beta", limit: 20 });
    expect(all.filter((a) => a.status === "suppressed")).toHaveLength(2);
    expect(all.filter((a) => a.followsId === null && a.status === "pending")).toHaveLength(2);
  });

  it("a new state (kind) inside the cooldown follows the latest alert; another level too", async () => {
    const down = await raiseAlert(stack.db, config, facts({ kind: "down", level: "error", reason: "connection refused" }));
    const escalated = await raiseAlert(stack.db, config, facts());
    expect(escalated.followsId).toBe(Math.min(...down.ids));
    const [row] = await listAlerts(stack.db, { target: "beta", limit: 1 });
    expect(row!.title).toContain("now escalated (was down)");
    const calmer = await raiseAlert(stack.db, config, facts({ level: "warning" }));
    expect(calmer.followsId).toBe(Math.min(...escalated.ids));
  });

  it("outside the cooldown an alert is new again", async () => {
    const first = await raiseAlert(stack.db, config, facts());
    await stack.db.sql`UPDATE alerts SET at = at - interval '16 minutes' WHERE id = ANY(${first.ids})`;
    expect(await raiseAlert(stack.db, config, facts())).toMatchObject({ suppressed: false, followsId: null });
  });

  it("alerts raised at the same moment: one goes out, the others are repeats or follow-ups of it", async () => {
    const results = await Promise.all([facts(), facts(), facts(), facts({ diagnosis: DIAGNOSIS }), facts()].map((f) => raiseAlert(stack.db, config, f)));
    expect(results.filter((r) => !r.suppressed && r.followsId === null)).toHaveLength(1);
    const rows = await listAlerts(stack.db, { target: "beta", limit: 50 });
    expect(rows.filter((r) => r.status === "pending")).toHaveLength(results.filter((r) => !r.suppressed).length * 2);
  });
});
