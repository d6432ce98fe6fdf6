import { FleetConfig } from "@ops/config";
import { prepareDatabase } from "@ops/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openOutageIncident, resolveOutageIncident } from "../src/incidents/incidents.ts";
import { systemContext } from "../src/identity/context.ts";
import type { BusFrame, FramePublisher } from "../src/bus.ts";
import { runDetections } from "../src/learnings/detect.ts";
import { getLearning, listLearnings, listPatterns, patchLearning } from "../src/learnings/learnings.ts";
import { syncTargets } from "../src/targets/sync.ts";
import { openTestStack } from "../src/testing.ts";

const DAY = 86_400_000;
const T0 = Date.parse("2026-10-01T08:00:00Z");
let stack: Awaited<ReturnType<typeof openTestStack>>;
const fleet = FleetConfig.parse({
  targets: [
    { name: "alpha", kind: "agent", check: "openclaw", baseUrl: "http://127.0.0.1:9", restart: { driver: "none" } },
    { name: "beta", kind: "agent", check: "openclaw", baseUrl: "http://127.0.0.1:10", restart: { driver: "none" } },
  ],
});
const alpha = fleet.targets[0]!;
const admin = systemContext("test");
/** The frames the verbs publish, as the dashboards would get them. */
const frames: BusFrame[] = [];
const bus: FramePublisher = {
  publish: async (frame) => {
    frames.push(frame);
    return true;
  },
};

/** A crash of alpha at a controlled time: the watchdog's incident, resolved half an hour later. */
async function crash(at: number, reason = "connection refused") {
  const id = await openOutageIncident(stack.db, alpha, new Date(at), reason);
  await resolveOutageIncident(stack.db, alpha.name);
  await stack.db.sql`UPDATE incidents SET detected_at = ${new Date(at + 60_000)}, resolved_at = ${new Date(at + 30 * 60_000)} WHERE id = ${id}`;
  return id!;
}
const recurrences = () => listLearnings(stack.db, { q: undefined, limit: 50 }).then((l) => l.filter((x) => x.patternKey?.startsWith("incident_pattern.alpha")));

beforeAll(async () => {
  stack = await openTestStack();
  await prepareDatabase(stack.databaseUrl);
  await syncTargets(stack.db, fleet);
});
afterAll(async () => {
  await stack?.close();
});

describe("[LEARNINGS] detection triggers with a controlled clock", () => {
  it("one crash is not a pattern", async () => {
    await crash(T0);
    await runDetections(stack.db, T0 + DAY, bus);
    expect(await recurrences()).toEqual([]);
  });

  it("two crashes of the same kind a week apart are one learning with Recurrence-Count 2, however often detection runs", async () => {
    const second = await crash(T0 + 7 * DAY);
    await runDetections(stack.db, T0 + 7 * DAY + 3_600_000, bus);
    await runDetections(stack.db, T0 + 7 * DAY + 7_200_000, bus);
    const found = await recurrences();
    expect(found).toHaveLength(1);
    const l = await getLearning(stack.db, found[0]!.id);
    expect(l).toMatchObject({
      type: "OPS",
      recurrenceCount: 2,
      firstSeen: "2026-10-01",
      lastSeen: "2026-10-08",
      priority: "medium",
      status: "pending",
      source: "detector:incident-recurrence",
    });
    expect(l.id).toMatch(/^OPS-20261008-\d{3}$/);
    expect(l.incidentIds).toContain(second);
    expect(l.markdown).toContain("- Recurrence-Count: 2");
    expect(l.markdown).toContain("- Pattern-Key: incident_pattern.alpha.connection_refused");
    expect(l.evidence).toMatchObject({ detector: "incident-recurrence", occurrences: [{ id: expect.stringMatching(/^INC-/) }, { id: `INC-${second}` }] });
    // Detection tells the dashboards itself: the worker's job only passes its bus.
    expect(frames).toContainEqual({ type: "learning.updated", learning: expect.objectContaining({ id: l.id, recurrenceCount: 2 }) });
  });

  it("a crash of another kind is not the same pattern", async () => {
    await crash(T0 + 8 * DAY, "HTTP 500 from /healthz");
    await runDetections(stack.db, T0 + 8 * DAY + 3_600_000, bus);
    expect((await recurrences()).map((l) => l.recurrenceCount)).toEqual([2]);
  });

  it("a third time bumps the count, Last-Seen and the priority to high", async () => {
    await crash(T0 + 14 * DAY);
    await runDetections(stack.db, T0 + 14 * DAY + 3_600_000, bus);
    const [l] = await recurrences();
    expect(l).toMatchObject({ recurrenceCount: 3, lastSeen: "2026-10-15", priority: "high" });
    expect((await listPatterns(stack.db)).map((p) => p.patternKey)).toContain("incident_pattern.alpha.connection_refused");
  });

  it("after the pattern is resolved, a new occurrence is a new entry that points back (See Also)", async () => {
    const [old] = await recurrences();
    await patchLearning(stack.db, admin, old!.id, { version: old!.version, status: "resolved" }, bus);
    await crash(T0 + 20 * DAY);
    await runDetections(stack.db, T0 + 20 * DAY + 3_600_000, bus);
    const all = await recurrences();
    expect(all).toHaveLength(2);
    const fresh = all.find((l) => l.id !== old!.id)!;
    expect(fresh).toMatchObject({ recurrenceCount: 4, seeAlso: [old!.id], status: "pending" });
  });

  it("logs MTTR over target and MTTD over 30 minutes", async () => {
    const id = await openOutageIncident(stack.db, fleet.targets[1]!, new Date(T0 + 21 * DAY), "timeout after 1000 ms");
    // Detected 45 min late; a P3 (one agent) resolved after 30 h: over the 24 h target.
    await stack.db
      .sql`UPDATE incidents SET detected_at = ${new Date(T0 + 21 * DAY + 45 * 60_000)}, resolved_at = ${new Date(T0 + 21 * DAY + 30 * 3_600_000)}, status = 'resolved' WHERE id = ${id}`;
    await runDetections(stack.db, T0 + 23 * DAY, bus);
    const all = await listLearnings(stack.db, { limit: 50 });
    const mttr = all.find((l) => l.patternKey === "sla_breach.mttr.p3");
    expect(mttr).toMatchObject({ type: "OPS", severity: "P3", incidentIds: [id] });
    const mttd = all.find((l) => l.patternKey === "incident_management.mttd");
    expect(mttd?.incidentIds).toEqual([id]);
  });

  it("logs alert fatigue: over 50 alerts a day from one monitor", async () => {
    const day = new Date(T0 + 24 * DAY);
    await stack.db.sql`
      INSERT INTO alerts (target, kind, level, channel, status, title, message, at)
      SELECT 'beta', 'down', 'error', 'console', 'sent', 't', 'm', ${day}::timestamptz + (n || ' seconds')::interval FROM generate_series(1, 51) n`;
    await runDetections(stack.db, T0 + 24 * DAY + 3_600_000, bus);
    const all = await listLearnings(stack.db, { limit: 50 });
    expect(all.find((l) => l.patternKey === "monitoring.alert_fatigue.beta.down")).toMatchObject({ type: "LRN", area: "monitoring" });
  });
});
