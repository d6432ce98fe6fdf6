import http from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig, type OpsConfig } from "@ops/config";
import { createRun, executeRun, getIncident, getRun, listRuns, openIncident, syncTargets, type ExecutorDeps, type RequestContext } from "@ops/core";
import { openTestStack, writeTestConfig } from "@ops/core/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayLike } from "../../../packages/core/test/fake-gateway.ts";

// The run that said FAILED: "Agent restart → Restart one agent" on a gateway that was down. Its first step
// (a check, `onFailure: continue`) failed because the gateway was down; the restart and the wait fixed it.

let stack: Awaited<ReturnType<typeof openTestStack>>;
let cfg: ReturnType<typeof writeTestConfig>;
let config: OpsConfig;
const gateway = await startGatewayLike();
let restarts = 0;
/** The gateway's supervisor: the `http` restart driver posts here, and the gateway comes back. */
const control = http.createServer((_req, res) => {
  restarts++;
  void gateway.start().then(() => res.writeHead(200).end("restarted"));
});
const oncall: RequestContext = { actor: { type: "system", id: null, label: "test on-call", roles: ["oncall"] }, ip: null, userAgent: null, requestId: null };
const deps = (): ExecutorDeps => ({ db: stack.db, config, bus: { publish: async () => true }, afterProbe: async () => {}, alert: async () => {}, pollMs: 200 });

beforeAll(async () => {
  await new Promise<void>((r) => control.listen(0, "127.0.0.1", r));
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}/restart`;
  stack = await openTestStack();
  cfg = writeTestConfig({
    fleet: (f) => {
      f.targets = [{ name: "alpha", kind: "agent", check: "openclaw", baseUrl: gateway.baseUrl, restart: { driver: "http", url: controlUrl } }] as never;
    },
  });
  config = loadConfig(cfg.dir);
  await syncTargets(stack.db, config.fleet);
});

afterAll(async () => {
  control.close();
  await gateway.close();
  await stack?.close();
  cfg?.remove();
});

describe("[RUNBOOKS] a run's outcome honours onFailure: continue", () => {
  it("restart one agent that is down: the check fails (continued), the restart fixes it, the run succeeds with 1 warning", async () => {
    await gateway.stop();
    const incident = await openIncident(stack.db, oncall, { title: "alpha down", severity: "P3", targets: ["alpha"] });
    const run = await createRun(stack.db, config, oncall, {
      runbook: "agent-restart",
      procedure: "single",
      params: { agent: "alpha" },
      confirm: true,
      incidentId: incident.id,
    });
    const outcome = await executeRun(deps(), run.id);
    expect(outcome.status).toBe("succeeded");
    expect(restarts).toBe(1);

    const done = await getRun(stack.db, run.id);
    expect(done.steps.map((s) => s.status)).toEqual(["failed", "succeeded", "succeeded"]);
    expect(done.steps[0]!.onFailure).toBe("continue");
    expect(done).toMatchObject({ status: "succeeded", error: null });
    expect(done.warnings).toHaveLength(1);
    expect(done.warnings[0]).toMatch(/^step 1 'Record how alpha looks before the restart[^']*' failed \(continued\): alpha is down: /);
    // Lists carry them too (the runs table and the incident's runs).
    expect((await listRuns(stack.db, { limit: 5 })).find((r) => r.id === run.id)?.warnings).toEqual(done.warnings);

    const { timeline } = await getIncident(stack.db, incident.id);
    const end = timeline.filter((e) => e.kind === "runbook").at(-1)!;
    expect(end.message).toContain(`runbook run #${run.id} succeeded with 1 warning: Agent restart`);
    expect(end.message).toContain("failed (continued)");

    const [audit] = await stack.db.sql<{ after: { status: string; outcome: string; warnings: string[] } }[]>`
      SELECT after FROM audit_log WHERE action = 'runbook.run.finish' AND target_id = ${String(run.id)}`;
    expect(audit!.after).toMatchObject({ status: "succeeded", outcome: "succeeded with 1 warning", warnings: done.warnings });
  });

  it("a failing step without continue still fails the run, and keeps the warnings of the steps before it", async () => {
    await gateway.stop();
    control.removeAllListeners("request");
    // This time the supervisor cannot bring it back: the restart is refused.
    control.on("request", (_req, res) => res.writeHead(500).end("supervisor refused"));
    const run = await createRun(stack.db, config, oncall, { runbook: "agent-restart", procedure: "single", params: { agent: "alpha" }, confirm: true });
    expect((await executeRun(deps(), run.id)).status).toBe("failed");
    const done = await getRun(stack.db, run.id);
    expect(done.steps.map((s) => s.status)).toEqual(["failed", "failed", "skipped"]);
    expect(done).toMatchObject({ status: "failed", error: "step 2 failed: Restart alpha" });
    expect(done.warnings).toHaveLength(1);
  });
});
