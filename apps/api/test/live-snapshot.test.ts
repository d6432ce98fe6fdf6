import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServerFrame, type TargetView } from "@ops/contract";
import { EventBus, createRedis } from "@ops/core";
import { WebSocket } from "ws";
import { GZIP_UPDATES_FROM_BYTES } from "../src/plugins/live.ts";
import { startApi } from "./harness.ts";

let api: Awaited<ReturnType<typeof startApi>>;
let viewer: Record<string, string>;

beforeAll(async () => {
  api = await startApi();
  viewer = (await api.signIn(["viewer"])).headers;
});
afterAll(async () => {
  await api?.close();
});

/** Every message of a socket as it came off the wire: its bytes and whether it was a binary frame. */
async function rawSocket(url: string) {
  const socket = new WebSocket(url, { headers: viewer });
  const messages: { data: Buffer; binary: boolean }[] = [];
  const waiters: (() => void)[] = [];
  socket.on("message", (data: Buffer, binary) => {
    messages.push({ data, binary });
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const nth = async (n: number) => {
    const deadline = Date.now() + 5000;
    while (messages.length <= n) {
      if (Date.now() > deadline) throw new Error(`no message ${n} within 5 s; got ${messages.length}`);
      await new Promise<void>((r) => (waiters.push(r), setTimeout(r, 50)));
    }
    return messages[n]!;
  };
  return { socket, messages, nth };
}

let clock = Date.parse("2031-01-01T00:00:00Z");
async function publishStatus(name: string, status: TargetView["status"], reason: string) {
  const base = (await api.call("GET", `/api/targets/${name}`, viewer)).json.target as TargetView;
  clock += 1000;
  const at = new Date(clock).toISOString();
  await api.bus.publish({
    type: "target.status",
    target: { ...base, status, reason, since: at, checkedAt: at },
    event: { id: clock, target: name, at, kind: "status", from: base.status, to: status, reason },
  });
}

describe("[WS] /ws?snapshot=gzip: the snapshot as one gzipped binary frame, every other frame JSON text", () => {
  it("the gzipped frame inflates to the same snapshot the text frame carries, and is smaller", async () => {
    const text = await rawSocket(api.ws);
    const gz = await rawSocket(`${api.ws}?snapshot=gzip`);
    const [t, g] = [await text.nth(0), await gz.nth(0)];
    expect([t.binary, g.binary]).toEqual([false, true]);
    const fromText = ServerFrame.parse(JSON.parse(t.data.toString("utf8")));
    const fromGzip = ServerFrame.parse(JSON.parse(gunzipSync(g.data).toString("utf8")));
    expect(fromGzip.type).toBe("snapshot");
    if (fromGzip.type !== "snapshot" || fromText.type !== "snapshot") throw new Error("not snapshots");
    expect(fromGzip.targets).toEqual(fromText.targets);
    expect([fromGzip.version, fromGzip.epoch]).toEqual([fromText.version, fromText.epoch]);
    expect(g.data.length).toBeLessThan(t.data.length);
    text.socket.close();
    gz.socket.close();
  });

  it("a status change after the gzipped snapshot arrives as a JSON text frame, in order", async () => {
    const gz = await rawSocket(`${api.ws}?snapshot=gzip`);
    expect((await gz.nth(0)).binary).toBe(true);
    await publishStatus("beta", "down", "gzip-then-text");
    const next = await gz.nth(1);
    expect(next.binary).toBe(false);
    const frame = ServerFrame.parse(JSON.parse(next.data.toString("utf8")));
    expect(frame).toMatchObject({ type: "target.status", target: { name: "beta", status: "down", reason: "gzip-then-text" } });
    gz.socket.close();
  });

  it("snapshot=json (or none) keeps the text snapshot; a value that is neither is an HTTP 400 naming the field", async () => {
    const json = await rawSocket(`${api.ws}?snapshot=json`);
    expect((await json.nth(0)).binary).toBe(false);
    json.socket.close();

    const refused = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const socket = new WebSocket(`${api.ws}?snapshot=zip`, { headers: viewer });
      socket.once("open", () => reject(new Error("upgraded")));
      socket.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      socket.once("error", () => {});
    });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({ code: "VALIDATION", field: "snapshot" });
  });
});

describe("[WS] /ws?updates=gzip: a large target.update as one gzipped binary frame, a status change as text", () => {
  it("a probe batch over 4 KiB reaches an updates=gzip socket gzipped and a plain socket as text, with the same content", async () => {
    const plain = await rawSocket(api.ws);
    const gz = await rawSocket(`${api.ws}?snapshot=gzip&updates=gzip`);
    await Promise.all([plain.nth(0), gz.nth(0)]);
    const all = (await api.call("GET", "/api/targets", viewer)).json.targets as TargetView[];
    clock += 1000;
    const batch = all.map((t, i) => ({ ...t, latencyMs: 1000 + i, checkedAt: new Date(clock).toISOString() }));
    await api.bus.publish({ type: "target.update", targets: batch });
    const [p, g] = [await plain.nth(1), await gz.nth(1)];
    expect([p.binary, g.binary]).toEqual([false, true]);
    expect(p.data.length).toBeGreaterThanOrEqual(GZIP_UPDATES_FROM_BYTES);
    expect(g.data.length).toBeLessThan(p.data.length);
    const fromGzip = ServerFrame.parse(JSON.parse(gunzipSync(g.data).toString("utf8")));
    expect(fromGzip).toEqual(ServerFrame.parse(JSON.parse(p.data.toString("utf8"))));
    expect(fromGzip.type === "target.update" && fromGzip.targets.map((t) => t.latencyMs)).toEqual(batch.map((t) => t.latencyMs));

    // A status change, and a small update, stay JSON text on the gzip socket.
    await publishStatus("alpha", "down", "small-and-urgent");
    const status = await gz.nth(2);
    expect(status.binary).toBe(false);
    expect(JSON.parse(status.data.toString("utf8"))).toMatchObject({ type: "target.status", target: { name: "alpha" } });
    clock += 1000;
    await api.bus.publish({ type: "target.update", targets: [{ ...batch[0]!, latencyMs: 7, checkedAt: new Date(clock).toISOString() }] });
    const small = await gz.nth(3);
    expect([small.binary, JSON.parse(small.data.toString("utf8")).type]).toEqual([false, "target.update"]);
    plain.socket.close();
    gz.socket.close();
  });
});

describe("[BUS] EventBus.onResubscribed: told when the subscriber drops and when it listens again", () => {
  it("a dropped subscriber calls down, then resubscribed; a frame published after that arrives", { timeout: 15_000 }, async () => {
    const pub = createRedis(api.stack.redisUrl);
    const sub = createRedis(api.stack.redisUrl);
    const bus = new EventBus(pub, sub, `${api.stack.prefix}:resub`);
    const got: string[] = [];
    await bus.subscribe((f) => got.push(f.type === "session.revoked" ? f.reason : f.type));
    const calls: string[] = [];
    let resubscribed!: () => void;
    const back = new Promise<void>((r) => (resubscribed = r));
    const off = bus.onResubscribed(
      () => {
        calls.push("resubscribed");
        resubscribed();
      },
      () => calls.push("down"),
    );
    expect(bus.listening).toBe(true);
    sub.disconnect(true);
    await back;
    expect(calls[0]).toBe("down");
    expect(calls.at(-1)).toBe("resubscribed");
    expect(bus.listening).toBe(true);
    await bus.publish({ type: "session.revoked", userId: "u", reason: "after-resubscribe" });
    const deadline = Date.now() + 5000;
    while (!got.includes("after-resubscribe") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(got).toContain("after-resubscribe");
    off();
    pub.disconnect();
    sub.disconnect();
  });
});
