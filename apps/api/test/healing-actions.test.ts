import { until } from "@ops/core/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi } from "./harness.ts";

let api: Awaited<ReturnType<typeof startApi>>;
let oncall: Record<string, string>;
let viewer: Record<string, string>;

beforeAll(async () => {
  api = await startApi();
  oncall = (await api.signIn(["oncall"])).headers;
  viewer = (await api.signIn(["viewer"])).headers;
});
afterAll(async () => {
  await api?.close();
});

const escalate = (target: string) =>
  api.stack.db.sql`
    INSERT INTO target_healing (target, escalated_at, escalation_reason, restarts, crashes, failing_since)
    VALUES (${target}, now(), '5 crashes within 600 s', ARRAY[1, 2]::bigint[], ARRAY[1, 2, 3]::bigint[], now())
    ON CONFLICT (target) DO UPDATE SET escalated_at = now(), escalation_reason = EXCLUDED.escalation_reason, restarts = EXCLUDED.restarts,
      crashes = EXCLUDED.crashes, failing_since = EXCLUDED.failing_since, paused = false, next_restart_at = NULL, next_attempt = NULL`;

describe("acting on an escalated target", () => {
  it("reset forgets restarts, crashes and the escalation, audited with what it was", async () => {
    await escalate("alpha");
    const res = await api.call("POST", "/api/targets/alpha/healing/actions", oncall, { action: "reset" });
    expect(res.status).toBe(200);
    expect(res.json.target.healing).toMatchObject({ state: "idle", escalatedAt: null, restartsInWindow: 0 });
    const [row] = await api.stack.db.sql<{ restarts: string[]; crashes: string[] }[]>`SELECT restarts, crashes FROM target_healing WHERE target = 'alpha'`;
    expect(row).toEqual({ restarts: [], crashes: [] });
    const [audit] = await api.stack.db.sql<
      { before: { escalated: boolean; crashes: number } }[]
    >`SELECT before FROM audit_log WHERE action = 'target.healing.reset' AND target_id = 'alpha'`;
    expect(audit!.before).toMatchObject({ escalated: true, crashes: 3 });
  });

  it("retry now schedules one restart at once, even while escalated, audited and queued", async () => {
    await escalate("beta");
    const res = await api.call("POST", "/api/targets/beta/healing/actions", oncall, { action: "retry" });
    expect(res.status).toBe(200);
    expect(res.json.target.healing).toMatchObject({ state: "escalated", attempt: 3 });
    const [row] = await api.stack.db.sql<{ nextRestartAt: Date | null }[]>`SELECT next_restart_at AS "nextRestartAt" FROM target_healing WHERE target = 'beta'`;
    expect(row!.nextRestartAt).not.toBeNull();
    const [audit] = await api.stack.db.sql`SELECT actor_label FROM audit_log WHERE action = 'target.healing.retry' AND target_id = 'beta'`;
    expect(audit).toBeDefined();
    // Staged with the decision, handed to Redis by the outbox relay right after.
    await until(
      "the restart job queued",
      () => api.queues.healing.getJobs(["waiting", "delayed", "prioritized"]),
      (jobs) => jobs.some((j) => j.name === "restart" && j.data.target === "beta" && typeof j.data.by === "string"),
      5000,
      50,
    );
  });

  it("resume ends an escalation even when auto-healing was not paused", async () => {
    await escalate("charlie");
    const res = await api.call("POST", "/api/targets/charlie/healing", oncall, { paused: false });
    expect(res.status).toBe(200);
    expect(res.json.target.healing).toMatchObject({ escalatedAt: null });
    const [audit] = await api.stack.db.sql`SELECT 1 FROM audit_log WHERE action = 'target.healing.resume' AND target_id = 'charlie'`;
    expect(audit).toBeDefined();
  });

  it("viewers may not; an unknown action or target is a clear error", async () => {
    expect((await api.call("POST", "/api/targets/alpha/healing/actions", viewer, { action: "reset" })).status).toBe(403);
    const bad = await api.call("POST", "/api/targets/alpha/healing/actions", oncall, { action: "reboot" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain("action");
    expect((await api.call("POST", "/api/targets/nobody/healing/actions", oncall, { action: "reset" })).status).toBe(404);
  });
});
