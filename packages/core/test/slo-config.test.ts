import type { SloBody } from "@ops/contract";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemContext } from "../src/identity/context.ts";
import { reconcileConfigSlos } from "../src/slo/config.ts";
import { createSlo, listSlos } from "../src/slo/slos.ts";
import { syncTargets } from "../src/targets/sync.ts";
import { openTestStack, testFleet } from "../src/testing.ts";

let stack: Awaited<ReturnType<typeof openTestStack>>;
const fleet = testFleet("alpha", "beta");
const slo = (name: string, over: Partial<SloBody> = {}): SloBody => ({
  name,
  kind: "availability",
  selector: { type: "targets", targets: ["alpha"] },
  objectivePercent: 99.9,
  windowDays: 30,
  policy: "none",
  ...over,
});

async function audit() {
  return stack.db.sql<{ action: string; actorType: string; actorLabel: string; targetId: string }[]>`
    SELECT action, actor_type AS "actorType", actor_label AS "actorLabel", target_id AS "targetId" FROM audit_log WHERE target_type = 'slo' ORDER BY id`;
}

beforeAll(async () => {
  stack = await openTestStack();
  await syncTargets(stack.db, fleet);
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(async () => {
  await stack.db.sql`TRUNCATE slos CASCADE`;
});

describe("[SLO] config SLOs reconciled at start", () => {
  it("creates, updates and removes config SLOs to match, leaves UI SLOs alone, audits as the system", async () => {
    const ui = await createSlo(stack.db, systemContext("test"), slo("made in the ui", { selector: { type: "targets", targets: ["beta"] } }));
    const auditBefore = (await audit()).length;

    const first = await reconcileConfigSlos(stack.db, [
      slo("alpha up"),
      slo("agents fast", { kind: "latency", thresholdMs: 500, selector: { type: "group", group: "agents" } }),
    ]);
    expect(first).toEqual({ created: ["alpha up", "agents fast"], updated: [], removed: [], unchanged: [], skipped: [] });
    let views = await listSlos(stack.db);
    expect(views.map((v) => [v.slo.name, v.slo.source, v.slo.createdBy])).toEqual([
      ["agents fast", "config", "config"],
      ["alpha up", "config", "config"],
      ["made in the ui", "ui", "test"],
    ]);
    const created = (await audit()).slice(auditBefore);
    expect(created.map((a) => [a.action, a.actorType, a.actorLabel])).toEqual([
      ["slo.create", "system", "config"],
      ["slo.create", "system", "config"],
    ]);

    // The same config again: nothing changes, nothing is audited.
    const again = await reconcileConfigSlos(stack.db, [
      slo("alpha up"),
      slo("agents fast", { kind: "latency", thresholdMs: 500, selector: { type: "group", group: "agents" } }),
    ]);
    expect(again).toMatchObject({ created: [], updated: [], removed: [], unchanged: ["alpha up", "agents fast"] });
    expect((await audit()).length).toBe(auditBefore + 2);

    // Changed, dropped, and one named like the UI's SLO.
    const alphaBefore = views.find((v) => v.slo.name === "alpha up")!.slo;
    const third = await reconcileConfigSlos(stack.db, [
      slo("alpha up", { objectivePercent: 99.5, policy: "approval" }),
      slo("made in the ui", { objectivePercent: 90 }),
    ]);
    expect(third.created).toEqual([]);
    expect(third.updated).toEqual(["alpha up"]);
    expect(third.removed).toEqual(["agents fast"]);
    expect(third.skipped.map((s) => s.name)).toEqual(["made in the ui"]);
    expect(third.skipped[0]!.reason).toMatch(/made in the UI/);
    views = await listSlos(stack.db);
    expect(views.map((v) => v.slo.name)).toEqual(["alpha up", "made in the ui"]);
    const alpha = views[0]!.slo;
    expect(alpha).toMatchObject({ id: alphaBefore.id, objectivePercent: 99.5, policy: "approval", version: alphaBefore.version + 1 });
    expect(views[1]!.slo).toMatchObject({ id: ui.id, objectivePercent: 99.9, version: ui.version, source: "ui" });
    expect(
      (await audit())
        .slice(auditBefore + 2)
        .map((a) => [a.action, a.actorLabel])
        .sort(),
    ).toEqual([
      ["slo.delete", "config"],
      ["slo.update", "config"],
    ]);

    // An empty config removes every config SLO and nothing else.
    expect(await reconcileConfigSlos(stack.db, [])).toMatchObject({ removed: ["alpha up"] });
    expect((await listSlos(stack.db)).map((v) => v.slo.name)).toEqual(["made in the ui"]);
  });
});
