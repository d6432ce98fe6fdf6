import { raiseAlert } from "@ops/core";
import type { AlertFacts } from "@ops/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type Json } from "./harness.ts";

let api: Awaited<ReturnType<typeof startApi>>;
let viewer: Record<string, string>;

beforeAll(async () => {
  api = await startApi();
  viewer = (await api.signIn(["viewer"])).headers;
});
afterAll(async () => {
  await api?.close();
});

const facts = (p: Partial<AlertFacts> = {}): AlertFacts => ({
  target: "beta",
  kind: "escalated",
  level: "critical",
  at: Date.now(),
  reason: "5 restarts within 600 s",
  failingSince: null,
  restartsInWindow: 5,
  windowSeconds: 600,
  lastOkAt: null,
  actions: [],
  diagnosis: null,
  incidentKey: null,
  ...p,
});

describe("GET /api/alerts", () => {
  it("shows which alert a follow-up updates", async () => {
    const first = await raiseAlert(api.stack.db, api.config, facts());
    const update = await raiseAlert(api.stack.db, api.config, facts({ diagnosis: "not-fixed: CASE-003 port in use" }));
    const { status, json } = await api.call("GET", "/api/alerts?target=beta", viewer);
    expect(status).toBe(200);
    const byId = new Map<number, Json>(json.alerts.map((a: Json) => [a.id, a]));
    for (const id of first.ids) expect(byId.get(id)).toMatchObject({ followsId: null });
    for (const id of update.ids)
      expect(byId.get(id)).toMatchObject({ followsId: Math.min(...first.ids), title: expect.stringContaining(`Update to alert #${Math.min(...first.ids)}`) });
    // The OpenAPI document names the field too.
    const doc = await api.call("GET", "/api/openapi.json", viewer);
    expect(JSON.stringify(doc.json)).toContain("followsId");
  });
});
