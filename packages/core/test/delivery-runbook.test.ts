import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, type OpsConfig } from "@ops/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveryReport, listDeployments } from "../src/delivery/delivery.ts";
import type { RequestContext } from "../src/identity/context.ts";
import { closeRun, createRun } from "../src/runbooks/runs.ts";
import { syncTargets } from "../src/targets/sync.ts";
import { openTestStack, writeTestConfig } from "../src/testing.ts";

let stack: Awaited<ReturnType<typeof openTestStack>>;
let cfg: ReturnType<typeof writeTestConfig>;
let config: OpsConfig;
const oncall: RequestContext = { actor: { type: "system", id: null, label: "test on-call", roles: ["oncall"] }, ip: null, userAgent: null, requestId: null };

const agentParam = [{ name: "agent", label: "Agent", type: "target", kinds: ["agent"] }];
const procedure = (id: string, steps: unknown[]) => ({
  id,
  title: id,
  description: id,
  role: "oncall",
  confirmation: { type: "none" },
  parameters: agentParam,
  steps,
});
const check = { id: "check", title: "check {{agent}}", onFailure: "continue", action: { type: "check-target", target: "{{agent}}" } };
const apply = { id: "apply", title: "apply", action: { type: "command", command: "pg-isready" } };

beforeAll(async () => {
  stack = await openTestStack();
  cfg = writeTestConfig();
  writeFileSync(
    join(cfg.dir, "runbooks", "test-change.json"),
    JSON.stringify({
      id: "test-change",
      version: "1.0.0",
      title: "Test change",
      description: "A config-changing procedure and a look-only one.",
      severity: "low",
      procedures: [procedure("apply", [check, apply]), procedure("look", [check])],
    }),
  );
  config = loadConfig(cfg.dir);
  await syncTargets(stack.db, config.fleet);
});
afterAll(async () => {
  await stack?.close();
  cfg?.remove();
});

/** A run started and then closed as the executor closes it, its steps having ended as given. */
async function runAndClose(proc: string, agent: string, steps: Record<string, string>, status: "succeeded" | "failed" | "cancelled") {
  const run = await createRun(stack.db, config, oncall, { runbook: "test-change", procedure: proc, params: { agent }, confirm: true });
  await stack.db.sql.begin(async (tx) => {
    for (const [key, s] of Object.entries(steps)) await tx`UPDATE run_steps SET status = ${s} WHERE run_id = ${run.id} AND key = ${key}`;
    await closeRun(tx, run.id, status, status === "failed" ? "apply failed" : null);
  });
  return run.id;
}

describe("[delivery] configuration-changing runbook runs are changes", () => {
  it("records a run whose config step ran (failed run = failed change); look-only or never-applied runs are not changes", async () => {
    const ok = await runAndClose("apply", "alpha", { check: "succeeded", apply: "succeeded" }, "succeeded");
    const bad = await runAndClose("apply", "beta", { check: "succeeded", apply: "failed" }, "failed");
    await runAndClose("look", "alpha", { check: "succeeded" }, "succeeded");
    // Cancelled before its config step ran: nothing changed.
    await runAndClose("apply", "alpha", { check: "succeeded" }, "cancelled");

    const changes = (await listDeployments(stack.db, { limit: 10 })).filter((d) => d.source === "runbook");
    expect(changes.map((d) => [d.service, d.version, d.result, d.recordedBy]).sort()).toEqual([
      ["alpha", `run #${ok} test-change/apply`, "succeeded", "test on-call"],
      ["beta", `run #${bad} test-change/apply`, "failed", "test on-call"],
    ]);
    const [row] = await stack.db.sql<{ targets: string[] }[]>`SELECT targets FROM deployments WHERE version = ${`run #${bad} test-change/apply`}`;
    expect(row!.targets).toEqual(["beta"]);

    // The DORA report counts both as changes, the failed one as a failed change (frequency and lead time count the successful one).
    const report = await deliveryReport(stack.db, Date.now() + 1000);
    expect(report.week.deploymentFrequency.count).toBe(1);
    expect(report.week.leadTime.count).toBe(1);
    expect(report.week.changeFailureRate).toMatchObject({ failed: 1, total: 2 });
    expect(report.week.changeFailureRate.failedIds).toHaveLength(1);
  });
});
