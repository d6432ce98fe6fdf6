import http from "node:http";
import type { AddressInfo } from "node:net";
import { FleetConfig, loadConfig } from "@ops/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCases, listDiagnoses, runDoctor, seedCases } from "../src/doctor/doctor.ts";
import { recordObservations } from "../src/targets/record.ts";
import { syncTargets } from "../src/targets/sync.ts";
import { openTestStack, writeTestConfig } from "../src/testing.ts";

let stack: Awaited<ReturnType<typeof openTestStack>>;
let llm: http.Server;
const asked: { auth: string | undefined; body: { model: string; messages: { content: string }[] } }[] = [];
const cfg = writeTestConfig();
const config = loadConfig(cfg.dir);
const fleet = FleetConfig.parse({ targets: [{ name: "gamma", kind: "agent", check: "openclaw", baseUrl: "http://127.0.0.1:9", restart: { driver: "none" } }] });
const target = fleet.targets[0]!;

beforeAll(async () => {
  // A stand-in for the collective's LiteLLM (an OpenAI-compatible endpoint this machine cannot reach).
  llm = http.createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      asked.push({ auth: req.headers.authorization, body: JSON.parse(data) });
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(
          JSON.stringify({ choices: [{ message: { content: "Likely cause: the gateway process is not running.\nFix: start it with its service manager." } }] }),
        );
    });
  });
  await new Promise<void>((r) => llm.listen(0, "127.0.0.1", r));
  stack = await openTestStack();
  await syncTargets(stack.db, fleet);
  await seedCases(stack.db);
  await recordObservations(
    stack.db,
    [{ name: "gamma", obs: { check: "openclaw", at: Date.now(), live: { kind: "refused", message: "refused", latencyMs: 1 }, paths: { live: "/healthz" } } }],
    { thresholds: config.monitoring.thresholds, heartbeatTimeoutMs: 120_000 },
    30,
  );
});
afterAll(async () => {
  llm?.close();
  await stack?.close();
  cfg.remove();
});

describe("[DOCTOR] when no case matches", () => {
  it("ships at least ten preset cases, seeded once", async () => {
    await seedCases(stack.db);
    const cases = await listCases(stack.db);
    expect(cases.length).toBeGreaterThanOrEqual(10);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(cases.find((c) => c.id === "CASE-001")).toMatchObject({ errorCode: "EX_CONFIG", builtin: true, successRate: null });
  });

  it("without a language model it says so", async () => {
    const r = await runDoctor(stack.db, config, target, null);
    expect(r).toMatchObject({ outcome: "no-match", caseId: null });
    expect(r.detail).toBe("no case matched the evidence (no failure line; probe: connection refused); no language model is configured to suggest one");
  });

  it("with one, it asks with the redacted evidence and records the answer as a suggestion for a person", async () => {
    const url = `http://127.0.0.1:${(llm.address() as AddressInfo).port}`;
    const r = await runDoctor(stack.db, config, target, null, { url, model: "ops-test-model", apiKey: "sk-test-123" });
    expect(r.outcome).toBe("no-match");
    expect(r.detail).toMatch(
      /^no case matched the evidence \(no failure line; probe: connection refused\); suggestion from ops-test-model \(a person must approve it, e\.g\. by adding a case\): Likely cause/,
    );
    expect(asked[0]!.auth).toBe("Bearer sk-test-123");
    expect(asked[0]!.body.model).toBe("ops-test-model");
    expect(asked[0]!.body.messages[1]!.content).toContain("probe: connection refused");
    const [d] = await listDiagnoses(stack.db, { target: "gamma", limit: 1 });
    expect(d!.detail).toContain("Likely cause");
    expect(JSON.stringify(d)).not.toContain("sk-test-123");
  });

  it("an endpoint that does not answer is reported, not fatal", async () => {
    const r = await runDoctor(stack.db, config, target, null, { url: "http://127.0.0.1:9", model: "m" });
    expect(r.detail).toMatch(/; the language model at http:\/\/127\.0\.0\.1:9 did not answer: /);
  });
});

describe("[DOCTOR] log tails through the driver", () => {
  it("docker and systemd targets are read with argv commands; others need none", async () => {
    const { logTailArgv } = await import("../src/healing/drivers.ts");
    const f = FleetConfig.parse({
      targets: [
        { name: "d", kind: "service", check: "http", baseUrl: "http://127.0.0.1:1", restart: { driver: "docker", container: "heretek-litellm" } },
        { name: "s", kind: "service", check: "http", baseUrl: "http://127.0.0.1:2", restart: { driver: "systemd", unit: "ollama.service" } },
        { name: "n", kind: "service", check: "http", baseUrl: "http://127.0.0.1:3", restart: { driver: "none" } },
      ],
    });
    expect(f.targets.map((t) => logTailArgv(t))).toEqual([
      ["docker", "logs", "--tail", "40", "heretek-litellm"],
      ["journalctl", "-u", "ollama.service", "-n", "40", "--no-pager", "-o", "cat"],
      null,
    ]);
  });
});
