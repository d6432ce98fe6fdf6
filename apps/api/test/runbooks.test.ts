import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type Json } from "./harness.ts";

let api: Awaited<ReturnType<typeof startApi>>;
let viewer: Record<string, string>;
let oncall: Record<string, string>;
let admin: Record<string, string>;

beforeAll(async () => {
  api = await startApi();
  viewer = (await api.signIn(["viewer"])).headers;
  oncall = (await api.signIn(["oncall"])).headers;
  admin = (await api.signIn(["admin"])).headers;
});
afterAll(async () => {
  await api?.close();
});

const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) => api.call(method, path, headers, body);

const cancel = (id: number) => call("POST", `/api/runs/${id}/cancel`, admin, {});

describe("the runbook catalogue", () => {
  it("lists the six runbooks of the seed with versions, procedures and who may run them", async () => {
    const { status, json } = await call("GET", "/api/runbooks", oncall);
    expect(status).toBe(200);
    const ids = json.runbooks.map((r: Json) => r.id).sort();
    expect(ids).toEqual(["agent-restart", "backup-restoration", "database-corruption", "emergency-shutdown", "service-failure", "troubleshooting"]);
    const restart = json.runbooks.find((r: Json) => r.id === "agent-restart");
    expect(restart.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(restart.procedures.map((p: Json) => p.id)).toEqual(expect.arrayContaining(["single", "force", "full-collective", "clean-state", "rolling"]));
    const shutdown = json.runbooks.find((r: Json) => r.id === "emergency-shutdown");
    expect(shutdown.procedures).toHaveLength(5);
    const nuclear = shutdown.procedures.find((p: Json) => p.id === "level-5-nuclear");
    expect(nuclear).toMatchObject({ role: "admin", confirmation: { type: "typed", phrase: "NUCLEAR" }, allowed: false });
    expect(shutdown.procedures.find((p: Json) => p.id === "level-1-graceful").allowed).toBe(true);
  });

  it("tells a viewer that nothing is theirs to run", async () => {
    const { json } = await call("GET", "/api/runbooks", viewer);
    expect(json.runbooks.flatMap((r: Json) => r.procedures).every((p: Json) => p.allowed === false)).toBe(true);
  });

  it("404s an unknown runbook in the one error shape", async () => {
    const { status, json } = await call("GET", "/api/runbooks/nope", oncall);
    expect(status).toBe(404);
    expect(json).toMatchObject({ code: "NOT_FOUND", field: "runbook" });
  });
});

describe("starting runs", () => {
  it("a dry run shows the resolved plan of a rolling restart and starts nothing", async () => {
    const { status, json } = await call("POST", "/api/runs", oncall, { runbook: "agent-restart", procedure: "rolling", params: {}, dryRun: true });
    expect(status).toBe(200);
    const agents = api.config.fleet.targets.filter((t) => t.kind === "agent" && t.enabled).map((t) => t.name);
    expect(json.plan.targets).toEqual(agents);
    expect(json.plan.steps).toHaveLength(agents.length * 2);
    expect(json.plan.steps[0]).toMatchObject({ index: 0, action: { type: "restart-target", target: agents[0] }, retrySafe: false });
    expect(json.plan.steps[1]).toMatchObject({ action: { type: "wait-healthy", target: agents[0] }, retrySafe: true });
    expect((await call("GET", "/api/runs", oncall)).json.runs).toEqual([]);
  });

  it("refuses a viewer", async () => {
    const { status, json } = await call("POST", "/api/runs", viewer, {
      runbook: "agent-restart",
      procedure: "single",
      params: { agent: "alpha" },
      confirm: true,
    });
    expect(status).toBe(403);
    expect(json.code).toBe("FORBIDDEN");
  });

  it.each([
    [{ agent: "mallory" }, "params.agent", "configured targets"],
    [{ agent: "alpha; rm -rf /" }, "params.agent", "configured targets"],
    [{ agent: "postgresql" }, "params.agent", "must be a agent"],
    [{}, "params.agent", "is required"],
    [{ agent: "alpha", extra: "$(id)" }, "params.extra", "not a parameter"],
  ])("rejects parameters %j naming %s", async (params, field, message) => {
    const { status, json } = await call("POST", "/api/runs", oncall, { runbook: "agent-restart", procedure: "single", params, confirm: true });
    expect(status).toBe(400);
    expect(json.field).toBe(field);
    expect(json.message).toContain(message);
  });

  it("rejects shell metacharacters in free text before anything runs", async () => {
    for (const database of ["ops; DROP DATABASE x", "$(reboot)", "`id`", "a\nb", "-c"]) {
      const { status, json } = await call("POST", "/api/runs", oncall, {
        runbook: "database-corruption",
        procedure: "recovery-level-1",
        params: { database },
        confirmation: database,
      });
      expect(status, database).toBe(400);
      expect(json.field).toBe("params.database");
    }
    expect((await call("GET", "/api/runs", oncall)).json.runs).toEqual([]);
  });

  it("emergency shutdown level 5 needs an admin and the typed level name", async () => {
    const body = { runbook: "emergency-shutdown", procedure: "level-5-nuclear", params: {} };
    const byOncall = await call("POST", "/api/runs", oncall, { ...body, confirmation: "NUCLEAR" });
    expect(byOncall.status).toBe(403);
    expect(byOncall.json.message).toContain("needs the role admin");
    const unconfirmed = await call("POST", "/api/runs", admin, { ...body, confirm: true });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.json).toMatchObject({ field: "confirmation", message: expect.stringContaining('type "NUCLEAR"') });
    const wrong = await call("POST", "/api/runs", admin, { ...body, confirmation: "nuclear" });
    expect(wrong.status).toBe(400);
    expect(wrong.json.field).toBe("confirmation");
    const ok = await call("POST", "/api/runs", admin, { ...body, confirmation: "NUCLEAR" });
    expect(ok.status).toBe(201);
    expect(ok.json.run).toMatchObject({
      status: "queued",
      runbookId: "emergency-shutdown",
      procedureId: "level-5-nuclear",
      startedBy: expect.stringContaining("@test.local"),
    });
    expect((await cancel(ok.json.run.id)).json.run.status).toBe("cancelled");
  });

  it("refuses a second run on a target the first holds, naming the run and who started it", async () => {
    const rolling = await call("POST", "/api/runs", oncall, { runbook: "agent-restart", procedure: "rolling", params: {}, confirm: true });
    expect(rolling.status).toBe(201);
    const single = await call("POST", "/api/runs", oncall, { runbook: "agent-restart", procedure: "single", params: { agent: "alpha" }, confirm: true });
    expect(single.status).toBe(409);
    expect(single.json.message).toContain(`alpha is being acted on by run #${rolling.json.run.id} (Agent restart`);
    // Runs that only look at targets hold nothing and may run alongside.
    const look = await call("POST", "/api/runs", oncall, { runbook: "troubleshooting", procedure: "agent-offline", params: { agent: "alpha" } });
    expect(look.status).toBe(201);
    await cancel(look.json.run.id);
    const cancelled = await cancel(rolling.json.run.id);
    expect(cancelled.json.run.steps.every((s: Json) => s.status === "skipped")).toBe(true);
    expect((await cancel(rolling.json.run.id)).status).toBe(409);
    const again = await call("POST", "/api/runs", oncall, { runbook: "agent-restart", procedure: "single", params: { agent: "alpha" }, confirm: true });
    expect(again.status).toBe(201);
    await cancel(again.json.run.id);
  });

  it("links a run to the incident it was started for, on the incident's timeline and in the run list", async () => {
    const incident = await call("POST", "/api/incidents", oncall, { title: "beta is flapping", severity: "P3", targets: ["beta"] });
    const id = incident.json.incident.id as number;
    const run = await call("POST", "/api/runs", oncall, {
      runbook: "agent-restart",
      procedure: "single",
      params: { agent: "beta" },
      confirm: true,
      incidentId: id,
    });
    expect(run.status).toBe(201);
    expect(run.json.run.incidentId).toBe(id);
    const timeline = (await call("GET", `/api/incidents/${id}`, viewer)).json.timeline as Json[];
    expect(timeline.some((e) => e.kind === "runbook" && e.message.includes(`runbook run #${run.json.run.id} started: Agent restart`))).toBe(true);
    const listed = (await call("GET", `/api/runs?incident=${id}`, viewer)).json.runs as Json[];
    expect(listed.map((r) => r.id)).toEqual([run.json.run.id]);
    await cancel(run.json.run.id);
    const after = (await call("GET", `/api/incidents/${id}`, viewer)).json.timeline as Json[];
    expect(after.some((e) => e.message.includes(`runbook run #${run.json.run.id} cancelled`))).toBe(true);
    const missing = await call("POST", "/api/runs", oncall, {
      runbook: "agent-restart",
      procedure: "single",
      params: { agent: "beta" },
      confirm: true,
      incidentId: 999999,
    });
    expect(missing.status).toBe(404);
    expect(missing.json.field).toBe("incidentId");
  });

  it("writes who started what with which parameters to the audit log", async () => {
    const { json } = await call("GET", "/api/audit?action=runbook.run.start&limit=50", admin);
    const entries = (json.entries ?? json.audit ?? json.items) as Json[];
    const single = entries.find((e) => e.after?.procedure === "single");
    expect(single).toMatchObject({ actor: expect.anything(), after: { runbook: "agent-restart", params: { agent: expect.any(String) } } });
  });

  it("refuses a decision on a run that is not waiting", async () => {
    const run = await call("POST", "/api/runs", oncall, { runbook: "troubleshooting", procedure: "agent-offline", params: { agent: "charlie" } });
    const res = await call("POST", `/api/runs/${run.json.run.id}/continue`, oncall, { index: 0, decision: "done" });
    expect(res.status).toBe(409);
    const bad = await call("POST", `/api/runs/${run.json.run.id}/continue`, oncall, { index: 0, decision: "yolo" });
    expect(bad.status).toBe(400);
    expect(bad.json.field).toContain("decision");
    await cancel(run.json.run.id);
  });

  it("filters the history by status, runbook and target", async () => {
    const all = (await call("GET", "/api/runs?limit=200", viewer)).json.runs as Json[];
    expect(all.length).toBeGreaterThan(3);
    const cancelled = (await call("GET", "/api/runs?status=cancelled", viewer)).json.runs as Json[];
    expect(cancelled.every((r) => r.status === "cancelled")).toBe(true);
    const shutdowns = (await call("GET", "/api/runs?runbook=emergency-shutdown", viewer)).json.runs as Json[];
    expect(shutdowns.map((r) => r.procedureId)).toEqual(["level-5-nuclear"]);
    const onBeta = (await call("GET", "/api/runs?target=beta", viewer)).json.runs as Json[];
    expect(onBeta.every((r) => r.targets.includes("beta") || r.runbookId === "emergency-shutdown" || r.procedureId === "rolling")).toBe(true);
    const bad = await call("GET", "/api/runs?status=exploded", viewer);
    expect(bad.status).toBe(400);
  });
});
