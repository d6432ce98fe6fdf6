import { FleetConfig } from "@ops/config";
import { createDb, type DbHandle } from "@ops/db";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemContext } from "../src/identity/context.ts";
import type { BusFrame, FramePublisher } from "../src/bus.ts";
import {
  acknowledgeIncident,
  addIncidentNote,
  getIncident,
  openIncident,
  openOutageIncident,
  resolveIncident,
  resolveOutageIncident,
} from "../src/incidents/incidents.ts";
import { syncTargets } from "../src/targets/sync.ts";
import { openTestStack } from "../src/testing.ts";

let stack: Awaited<ReturnType<typeof openTestStack>>;
/** A second pool with more connections than the stack's, so the openings really overlap in PostgreSQL. */
let wide: DbHandle;
const fleet = FleetConfig.parse({
  targets: Array.from({ length: 20 }, (_, i) => ({
    name: `agent${String(i).padStart(2, "0")}`,
    kind: "agent",
    check: "openclaw",
    baseUrl: `http://127.0.0.1:${9000 + i}`,
    restart: { driver: "none" },
  })),
});
const targets = fleet.targets;
const admin = systemContext("test");

async function ids(): Promise<number[]> {
  const rows = await stack.db.sql<{ id: string }[]>`SELECT id FROM incidents ORDER BY id`;
  return rows.map((r) => Number(r.id));
}
const consecutive = (list: number[]) => list.every((id, i) => id === i + 1);
const counter = async () => Number((await stack.db.sql<{ value: string }[]>`SELECT value FROM counters WHERE name = 'incident'`)[0]?.value ?? NaN);

beforeAll(async () => {
  stack = await openTestStack();
  wide = createDb(stack.databaseUrl, { max: 24, applicationName: "openclaw-ops-test-wide" });
  await syncTargets(stack.db, fleet);
});
afterAll(async () => {
  await wide?.close();
  await stack?.close();
});

describe("[INCIDENTS] gap-free incident numbers", () => {
  beforeEach(async () => {
    await stack.db.sql`TRUNCATE incidents CASCADE`;
    await stack.db.sql`UPDATE counters SET value = 0 WHERE name = 'incident'`;
  });

  it("the migration left the counter row", async () => {
    expect(await counter()).toBe(0);
  });

  it("200 concurrent openings for 20 targets and manual openings in between: consecutive ids, one open incident per target", async () => {
    const handles = [stack.db, wide];
    const calls: Promise<unknown>[] = [];
    for (let round = 0; round < 10; round++) {
      for (const [i, t] of targets.entries()) {
        calls.push(openOutageIncident(handles[(round + i) % 2]!, t, { reason: "connection refused" }));
      }
      calls.push(openIncident(wide, admin, { title: `by hand ${round}`, severity: "P4" }));
      calls.push(openIncident(stack.db, admin, { title: `by hand ${round}b`, severity: "P4", targets: [targets[round]!.name] }));
    }
    const results = await Promise.all(calls);
    const opened = results.filter((r): r is number => typeof r === "number");
    // 20 watchdog incidents (one per target) + 20 by hand; every other watchdog call found one open.
    expect(results.filter((r) => r === null)).toHaveLength(180);
    const all = await ids();
    expect(all).toHaveLength(40);
    expect(consecutive(all)).toBe(true);
    expect(await counter()).toBe(40);
    expect(opened.filter((id) => all.includes(id))).toHaveLength(20);
    const open = await stack.db.sql<{ target: string; n: number }[]>`
      SELECT target, count(*)::int AS n FROM incidents WHERE target IS NOT NULL AND resolved_at IS NULL GROUP BY target ORDER BY target`;
    expect(open).toEqual(targets.map((t) => ({ target: t.name, n: 1 })));

    // A second outage of every target after recovery continues the numbering, still without gaps.
    await Promise.all(targets.map((t) => resolveOutageIncident(stack.db, t.name)));
    await Promise.all(targets.flatMap((t) => [openOutageIncident(wide, t, { reason: "timeout" }), openOutageIncident(wide, t, { reason: "timeout" })]));
    const again = await ids();
    expect(again).toHaveLength(60);
    expect(consecutive(again)).toBe(true);
    expect(await counter()).toBe(60);
  });

  it("a transaction that rolls back gives its number back", async () => {
    await openIncident(stack.db, admin, { title: "first", severity: "P4" });
    // An opening that fails after its insert (here: its timeline entry is refused) rolls back with its number.
    await stack.db.sql.unsafe(`
      CREATE FUNCTION refuse_never() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.message LIKE '%never%' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_never BEFORE INSERT ON incident_events FOR EACH ROW EXECUTE FUNCTION refuse_never();`);
    try {
      await expect(openIncident(stack.db, admin, { title: "never", severity: "P4" })).rejects.toThrow(/refused/);
      await expect(openOutageIncident(stack.db, targets[0]!, { reason: "never" })).rejects.toThrow(/refused/);
    } finally {
      await stack.db.sql.unsafe(`DROP TRIGGER refuse_never ON incident_events; DROP FUNCTION refuse_never();`);
    }
    await openIncident(stack.db, admin, { title: "second", severity: "P4" });
    await openOutageIncident(stack.db, targets[0]!, { reason: "connection refused" });
    expect(await ids()).toEqual([1, 2, 3]);
    expect(await counter()).toBe(3);
  });

  it("a database without the counter row (created before it existed) gets one from the highest id", async () => {
    await openIncident(stack.db, admin, { title: "a", severity: "P4" });
    await openIncident(stack.db, admin, { title: "b", severity: "P4" });
    await stack.db.sql`DELETE FROM counters WHERE name = 'incident'`;
    const results = await Promise.all(targets.slice(0, 5).map((t) => openOutageIncident(wide, t, { reason: "connection refused" })));
    expect(results.sort()).toEqual([3, 4, 5, 6, 7]);
    expect(await counter()).toBe(7);
  });

  it("never hands out an id a row already has (one inserted without the counter by an older console)", async () => {
    await stack.db.sql`INSERT INTO incidents (id, title, severity, source, targets, started_at) VALUES (5, 'old', 'P4', 'manual', '{}', now())`;
    const view = await openIncident(stack.db, admin, { title: "new", severity: "P4" });
    expect(view.key).toBe("INC-6");
  });
});

describe("[INCIDENTS] MTTD from the failure, not from the first failed probe", () => {
  const T = new Date("2026-11-23T10:04:31Z").getTime();
  const s = 1000;
  const t = (name: string) => targets.find((x) => x.name === name)!;

  beforeEach(async () => {
    await stack.db.sql`TRUNCATE incidents CASCADE`;
    await stack.db.sql`DELETE FROM status_events`;
    await stack.db.sql`UPDATE target_state SET status = 'unknown', since = NULL, last_ok_at = NULL, failing_since = NULL`;
  });

  /** The target as the prober leaves it: healthy until `lastOk`, failing from `failing`, recorded down at `down`. */
  async function downAt(name: string, p: { lastOk: number | null; failing: number; down: number }) {
    await stack.db.sql`UPDATE target_state SET status = 'down', since = ${new Date(p.down)}, failing_since = ${new Date(p.failing)},
      last_ok_at = ${p.lastOk === null ? null : new Date(p.lastOk)}, checked_at = ${new Date(p.down)} WHERE name = ${name}`;
    await stack.db.sql`INSERT INTO status_events (target, at, kind, from_status, to_status, reason)
      VALUES (${name}, ${new Date(p.failing)}, 'status', 'ok', 'critical', 'connection refused'),
             (${name}, ${new Date(p.down)}, 'status', 'critical', 'down', 'no successful probe for 15 s')`;
  }

  it("started at the process exit the driver reports; detected when the console recorded the target down", async () => {
    await downAt("agent00", { lastOk: T - 25 * s, failing: T - 15 * s, down: T });
    const id = await openOutageIncident(stack.db, t("agent00"), { reason: "connection refused", failedAt: new Date(T - 19 * s) });
    const { incident, timeline } = await getIncident(stack.db, id!);
    expect(incident.startedAt).toBe(new Date(T - 19 * s).toISOString());
    expect(incident.detectedAt).toBe(new Date(T).toISOString());
    expect(incident.mttdMs).toBe(19_000);
    expect(timeline[0]).toMatchObject({ kind: "opened", details: { startedFrom: "exit" } });
    expect(timeline[0]!.message).toContain("detected 19 s later");
  });

  it("without an exit time: the last healthy sample (the old positional call still works)", async () => {
    await downAt("agent01", { lastOk: T - 20 * s, failing: T - 15 * s, down: T });
    // The caller passes the first failed probe, as the watchdog did; it is no longer the start.
    const id = await openOutageIncident(stack.db, t("agent01"), new Date(T - 15 * s), "connection refused");
    const { incident, timeline } = await getIncident(stack.db, id!);
    expect(incident).toMatchObject({ startedAt: new Date(T - 20 * s).toISOString(), detectedAt: new Date(T).toISOString(), mttdMs: 20_000 });
    expect(timeline[0]!.details).toMatchObject({ startedFrom: "last-ok" });
  });

  it("an exit that comes with the positional call is used too; a stale one (before the last healthy sample) is not", async () => {
    await downAt("agent02", { lastOk: T - 20 * s, failing: T - 15 * s, down: T });
    const id = await openOutageIncident(stack.db, t("agent02"), new Date(T - 15 * s), "exit 1", new Date(T - 3_600_000));
    expect((await getIncident(stack.db, id!)).incident.mttdMs).toBe(20_000);
  });

  it("a target never seen healthy (first start) started when it was detected", async () => {
    await downAt("agent03", { lastOk: null, failing: T - 30 * s, down: T });
    const id = await openOutageIncident(stack.db, t("agent03"), { reason: "connection refused" });
    const { incident, timeline } = await getIncident(stack.db, id!);
    expect(incident).toMatchObject({ startedAt: new Date(T).toISOString(), detectedAt: new Date(T).toISOString(), mttdMs: 0 });
    expect(timeline[0]!.details).toMatchObject({ startedFrom: "detection" });
    expect(timeline[0]!.message).toContain("no earlier healthy sample");
  });

  it("the latest transition to down is the detection, not an earlier outage's", async () => {
    await downAt("agent04", { lastOk: T - 10 * s, failing: T - 8 * s, down: T });
    await stack.db
      .sql`INSERT INTO status_events (target, at, kind, from_status, to_status, reason) VALUES ('agent04', ${new Date(T - 3_600_000)}, 'status', 'ok', 'down', 'earlier')`;
    const id = await openOutageIncident(stack.db, t("agent04"), { reason: "connection refused" });
    expect((await getIncident(stack.db, id!)).incident).toMatchObject({ detectedAt: new Date(T).toISOString(), mttdMs: 10_000 });
  });
});

describe("[INCIDENTS] the people's verbs publish their own frames", () => {
  it("open, acknowledge, note and resolve each publish the incident once it is committed", async () => {
    await stack.db.sql`TRUNCATE incidents CASCADE`;
    const seen: { frame: BusFrame; committedStatus: string | undefined }[] = [];
    // Another pool reads what is committed: a frame published inside the transaction would see the old status.
    const bus: FramePublisher = {
      async publish(frame) {
        const id = frame.type === "incident.updated" ? frame.incident.id : 0;
        const [row] = await wide.sql<{ status: string }[]>`SELECT status FROM incidents WHERE id = ${id}`;
        seen.push({ frame, committedStatus: row?.status });
        return true;
      },
    };
    const opened = await openIncident(stack.db, admin, { title: "by hand", severity: "P2" }, { bus });
    await acknowledgeIncident(stack.db, admin, opened.id, { bus });
    const entry = await addIncidentNote(stack.db, admin, opened.id, "looking", { bus });
    const resolved = await resolveIncident(stack.db, admin, opened.id, "fixed", { bus });
    expect(entry).toMatchObject({ kind: "note", message: "looking" });
    expect(seen.map((s) => s.frame.type)).toEqual(["incident.updated", "incident.updated", "incident.updated", "incident.updated"]);
    const statuses = seen.map((s) => (s.frame.type === "incident.updated" ? s.frame.incident.status : null));
    expect(statuses).toEqual(["open", "acknowledged", "acknowledged", "resolved"]);
    expect(seen.map((s) => s.committedStatus)).toEqual(statuses);
    expect(seen[3]!.frame).toEqual({ type: "incident.updated", incident: resolved });
  });

  it("a verb that fails publishes nothing", async () => {
    const published: BusFrame[] = [];
    const bus: FramePublisher = { publish: async (frame) => (published.push(frame), true) };
    const opened = await openIncident(stack.db, admin, { title: "twice", severity: "P4" });
    await resolveIncident(stack.db, admin, opened.id, undefined, { bus });
    await expect(acknowledgeIncident(stack.db, admin, opened.id, { bus })).rejects.toThrow(/cannot become acknowledged/);
    expect(published).toHaveLength(1);
  });
});
