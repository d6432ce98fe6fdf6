import { compileErrors, parse, validate } from "@readme/openapi-parser";
import { fleetFileLabel } from "@ops/config";
import { recordObservations } from "@ops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { connect, startApi } from "./harness.ts";

let api: Awaited<ReturnType<typeof startApi>>;
let viewer: Record<string, string>;

beforeAll(async () => {
  api = await startApi({ withDashboard: true });
  viewer = (await api.signIn(["viewer"])).headers;
});
afterAll(async () => {
  await api?.close();
});

const policy = () => ({ thresholds: api.config.monitoring.thresholds, heartbeatTimeoutMs: 120_000 });

async function json(path: string, init?: RequestInit) {
  const res = await fetch(api.base + path, { ...init, headers: { ...viewer, ...(init?.headers as Record<string, string>) } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("targets and events", () => {
  it("GET /api/targets lists every configured target in config order", async () => {
    const { status, body } = await json("/api/targets");
    expect(status).toBe(200);
    const targets = body.targets as Record<string, unknown>[];
    expect(targets.map((t) => t.name).slice(0, 11)).toEqual([
      "steward",
      "alpha",
      "beta",
      "charlie",
      "examiner",
      "explorer",
      "sentinel",
      "coder",
      "dreamer",
      "empath",
      "historian",
    ]);
    expect(targets[1]).toMatchObject({ name: "alpha", kind: "agent", port: 8002, status: "unknown", url: "http://127.0.0.1:8002" });
    expect(targets.find((t) => t.name === "litellm")).toMatchObject({ enabled: false, status: "unknown" });
  });

  it("GET /api/targets/:name returns one target, or a 404 in the one error shape", async () => {
    expect((await json("/api/targets/alpha")).body.target).toMatchObject({ name: "alpha" });
    const missing = await json("/api/targets/nobody");
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ statusCode: 404, code: "NOT_FOUND", field: "name" });
    expect(typeof missing.body.requestId).toBe("string");
  });

  it("bad query parameters get a 400 naming the field", async () => {
    const limit = await json("/api/events?limit=100000");
    expect(limit.status).toBe(400);
    expect(limit.body).toMatchObject({ code: "VALIDATION", field: "limit" });
    const from = await json("/api/targets/alpha/samples?from=yesterday");
    expect(from.status).toBe(400);
    expect(from.body).toMatchObject({ code: "VALIDATION", field: "from" });
    const range = await json("/api/targets/alpha/samples?from=2026-01-01T00:00:00Z&to=2025-01-01T00:00:00Z");
    expect(range.body).toMatchObject({ field: "from", message: "from: must be before to" });
  });

  it("unknown API routes are a JSON 404, never the dashboard", async () => {
    const r = await json("/api/nothing-here");
    expect(r.status).toBe(404);
    expect(r.body.code).toBe("NOT_FOUND");
  });

  it("events and samples appear after observations are recorded", async () => {
    await recordObservations(
      api.stack.db,
      [{ name: "alpha", obs: { check: "openclaw", at: Date.now(), live: { kind: "refused", message: "refused", latencyMs: 1 }, paths: { live: "/healthz" } } }],
      policy(),
      30,
    );
    const ev = await json("/api/events?target=alpha&limit=5");
    expect(ev.body.events).toEqual([expect.objectContaining({ target: "alpha", from: "unknown", to: "down", reason: "connection refused", kind: "status" })]);
    const samples = await json("/api/targets/alpha/samples");
    expect(samples.status).toBe(200);
    expect((samples.body.points as unknown[]).length).toBe(1);
    expect(samples.body.bucketMs).toBe(10_000);
  });
});

describe("console health and documentation", () => {
  it("/healthz and /readyz answer like a gateway", async () => {
    expect((await json("/healthz")).body).toEqual({ ok: true, status: "live" });
    expect((await json("/readyz")).body).toEqual({ ready: true, failing: [], monitoring: { state: "watching", since: null, reason: expect.any(String) } });
  });

  it("/api/monitoring gives the configured interval and thresholds", async () => {
    const { body } = await json("/api/monitoring");
    expect(body).toEqual({
      intervalSeconds: 30,
      timeoutMs: 15000,
      heartbeatTimeoutSeconds: 120,
      samplesRetentionDays: 30,
      thresholds: api.config.monitoring.thresholds,
      selfHealing: { backoffSeconds: [10, 30, 90, 180, 600], maxRestartsInWindow: 5, restartWindowSeconds: 600, escalateAfterMinutes: 30 },
      policy: { intervalMs: 30_000, timeoutMs: 15_000, staleAfterMs: 60_000, tileStaleAfterMs: 180_000, heartbeatTimeoutMs: 120_000, shardSize: 250 },
      // The file the targets come from, as people should read it (OPS_CONFIG_DIR's, not always config/fleet.json).
      fleetFile: fleetFileLabel(api.config.dir),
    });
    expect(body.fleetFile).toMatch(/fleet\.json$/);
  });

  it("the OpenAPI document validates and describes the routes", async () => {
    const { status, body } = await json("/api/openapi.json");
    expect(status).toBe(200);
    const doc = structuredClone(body);
    const result = await validate(doc as never);
    expect(result.valid, compileErrors(result)).toBe(true);
    const parsed = (await parse(structuredClone(body) as never)) as { paths: Record<string, unknown> };
    expect(Object.keys(parsed.paths)).toEqual(
      expect.arrayContaining(["/api/targets", "/api/targets/{name}", "/api/targets/{name}/samples", "/api/events", "/healthz", "/readyz"]),
    );
    const docs = await fetch(`${api.base}/api/docs`, { redirect: "follow", headers: viewer });
    expect(docs.status).toBe(200);
  });

  it("serves the dashboard, and client routes fall back to index.html", async () => {
    const root = await fetch(`${api.base}/`);
    expect(await root.text()).toContain("OpenClaw Ops");
    const deep = await fetch(`${api.base}/targets/alpha`);
    expect(deep.status).toBe(200);
    expect(deep.headers.get("content-type")).toMatch(/text\/html/);
    const asset = await fetch(`${api.base}/assets/app.js`);
    expect(asset.headers.get("cache-control")).toMatch(/immutable/);
    const missingAsset = await fetch(`${api.base}/assets/nope.js`);
    expect(missingAsset.status).toBe(404);
  });
});

describe("WebSocket /ws", () => {
  it("sends a snapshot first, then status frames published by any process", async () => {
    const client = await connect(api.ws, viewer);
    const snapshot = await client.next((f) => f.type === "snapshot");
    expect(snapshot.type).toBe("snapshot");
    expect((snapshot.targets as unknown[]).length).toBe(api.config.fleet.targets.length);
    expect(client.frames[0]!.type).toBe("snapshot");

    const out = await recordObservations(
      api.stack.db,
      [{ name: "beta", obs: { check: "openclaw", at: Date.now(), live: { kind: "refused", message: "refused", latencyMs: 1 }, paths: { live: "/healthz" } } }],
      policy(),
      30,
    );
    await api.bus.publish({ type: "target.status", target: out.updated[0]!, event: out.events[0]! });
    const frame = await client.next((f) => f.type === "target.status");
    expect(frame.target).toMatchObject({ name: "beta", status: "down", reason: "connection refused" });
    expect(frame.event).toMatchObject({ from: "unknown", to: "down" });
    client.close();
  });

  it("answers bad frames with an error frame naming the problem and stays open", async () => {
    const client = await connect(api.ws, viewer);
    await client.next((f) => f.type === "snapshot");
    client.socket.send("not json");
    expect(await client.next((f) => f.type === "error")).toMatchObject({ code: "VALIDATION", message: "frame: not JSON" });
    client.socket.send(JSON.stringify({ type: "subscribe-all-the-things" }));
    const second = await client.next((f) => f.type === "error" && f !== client.frames.find((x) => x.type === "error"));
    expect(second.message).toMatch(/^frame type: .*known types: ping/);
    client.socket.send(JSON.stringify({ type: "ping" }));
    expect(await client.next((f) => f.type === "pong")).toMatchObject({ type: "pong" });
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    client.close();
  });

  it("closes a connection that sends an oversized frame (1009) without affecting others", async () => {
    const other = await connect(api.ws, viewer);
    const client = await connect(api.ws, viewer);
    await client.next((f) => f.type === "snapshot");
    const closed = new Promise<number>((r) => client.socket.once("close", (code) => r(code)));
    client.socket.send("x".repeat(64 * 1024));
    expect(await closed).toBe(1009);
    expect(other.socket.readyState).toBe(WebSocket.OPEN);
    other.close();
  });
});
