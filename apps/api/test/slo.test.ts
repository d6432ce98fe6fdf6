import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type Json } from "./harness.ts";

let api: Awaited<ReturnType<typeof startApi>>;
let viewer: Record<string, string>;
let governance: Record<string, string>;
let oncall: Record<string, string>;
let target: string;

beforeAll(async () => {
  api = await startApi();
  viewer = (await api.signIn(["viewer"])).headers;
  governance = (await api.signIn(["governance"])).headers;
  oncall = (await api.signIn(["oncall"])).headers;
  target = api.config.fleet.targets[0]!.name;
});
afterAll(async () => {
  await api?.close();
});

const body = (over: Json = {}) => ({
  name: `${target} availability`,
  kind: "availability",
  selector: { type: "targets", targets: [target] },
  objectivePercent: 99.9,
  policy: "approval",
  ...over,
});

describe("/api/slos", () => {
  it("governance creates, everyone reads with status, oncall may not change, PATCH needs the version, DELETE removes", async () => {
    const refused = await api.call("POST", "/api/slos", oncall, body());
    expect(refused.status).toBe(403);
    const created = await api.call("POST", "/api/slos", governance, body());
    expect(created.status).toBe(201);
    const slo = created.json.slo as Json;
    expect(slo).toMatchObject({ name: `${target} availability`, windowDays: 30, policy: "approval", version: 1, source: "ui" });

    const list = await api.call("GET", "/api/slos", viewer);
    expect(list.status).toBe(200);
    const mine = (list.json.slos as Json[]).find((v) => v.slo.id === slo.id)!;
    expect(mine.status.budget.totalMinutes).toBeCloseTo(43.2, 9);
    expect(mine.status.targets).toEqual([target]);
    expect(mine.status.alerts.map((a: Json) => a.rule)).toEqual(["page-fast", "page-slow", "ticket"]);
    expect(mine.status.burnDown).toBeUndefined();

    const one = await api.call("GET", `/api/slos/${slo.id}`, viewer);
    expect(one.status).toBe(200);
    expect(one.json.status.burnDown.length).toBeGreaterThan(700);

    const stale = await api.call("PATCH", `/api/slos/${slo.id}`, governance, { objectivePercent: 99.5, version: 7 });
    expect(stale).toMatchObject({ status: 409, json: { field: "version" } });
    const patched = await api.call("PATCH", `/api/slos/${slo.id}`, governance, { objectivePercent: 99.5, version: 1 });
    expect(patched.status).toBe(200);
    expect(patched.json.slo).toMatchObject({ objectivePercent: 99.5, version: 2 });

    expect((await api.call("DELETE", `/api/slos/${slo.id}`, viewer)).status).toBe(403);
    expect((await api.call("DELETE", `/api/slos/${slo.id}`, governance)).status).toBe(204);
    expect((await api.call("GET", `/api/slos/${slo.id}`, viewer)).status).toBe(404);
  });

  it.each<[string, Json, string]>([
    ["a latency SLO without a threshold", { kind: "latency" }, "thresholdMs"],
    ["a threshold the rollups do not count", { kind: "latency", thresholdMs: 300 }, "thresholdMs"],
    ["an objective of 100 %", { objectivePercent: 100 }, "objectivePercent"],
    ["five decimals", { objectivePercent: 99.99999 }, "objectivePercent"],
    ["a window of 0 days", { windowDays: 0 }, "windowDays"],
    ["an unknown policy", { policy: "freeze" }, "policy"],
    ["an empty target list", { selector: { type: "targets", targets: [] } }, "selector.targets"],
    ["an unknown target", { selector: { type: "targets", targets: ["no-such-target"] } }, "selector.targets"],
    ["an unknown field", { colour: "red" }, ""],
  ])("400 for %s, naming the field", async (_, over, field) => {
    const res = await api.call("POST", "/api/slos", governance, body({ name: `bad ${Math.random()}`, ...over }));
    expect(res.status).toBe(400);
    if (field) expect(res.json.field).toBe(field);
  });

  it("is in the OpenAPI document", async () => {
    const doc = await api.call("GET", "/api/openapi.json", viewer);
    expect(Object.keys(doc.json.paths)).toEqual(expect.arrayContaining(["/api/slos", "/api/slos/{id}"]));
    expect(doc.json.components.schemas).toHaveProperty("SloStatus");
  });

  it("promoting a learning to an SLO definition creates a live SLO for governance; for oncall alone it stays a draft", async () => {
    const both = (await api.signIn(["oncall", "governance"])).headers;
    const learn = async (summary: string) => {
      const res = await api.call("POST", "/api/learnings", oncall, {
        type: "LRN",
        heading: "sla_breach",
        priority: "high",
        area: "monitoring",
        summary,
        details: ".",
      });
      expect(res.status).toBe(201);
      return res.json.learning.id as string;
    };
    const id = await learn("Fleet availability fell below 99.9 % twice this month");
    const promoted = await api.call("POST", `/api/learnings/${id}/promote`, both, { to: "slo", title: "Fleet availability" });
    expect(promoted.status).toBe(200);
    const sloId = promoted.json.promotion.payload.sloId as number;
    expect(sloId).toBeGreaterThan(0);
    const live = await api.call("GET", `/api/slos/${sloId}`, viewer);
    expect(live.json.slo).toMatchObject({
      name: `Fleet availability (${id})`,
      source: "learning",
      learningId: id,
      objectivePercent: 99.9,
      selector: { type: "group", group: "all" },
    });
    // The group follows the fleet: every enabled target.
    expect(live.json.status.targets).toEqual(api.config.fleet.targets.filter((t) => t.enabled).map((t) => t.name));

    const draftId = await learn("Latency budget spent by noon");
    const draft = await api.call("POST", `/api/learnings/${draftId}/promote`, oncall, { to: "slo" });
    expect(draft.status).toBe(200);
    expect(draft.json.promotion.payload).toMatchObject({ sloId: null, kind: "availability", objectivePercent: 99.9 });
  });
});
