import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LiveConnection } from "./ws.ts";
import type { ServerFrame, TargetView } from "@ops/contract";

class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string | ArrayBuffer }) => void) | null = null;
  binaryType = "blob";
  onclose: ((ev: { code: number }) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  close() {
    this.closed = true;
  }
  send(frame: object) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  /** As the API sends a snapshot to `/ws?snapshot=gzip`: the frame's JSON gzipped, one binary message. */
  async sendGzip(frame: object) {
    const data = await new Response(new Blob([JSON.stringify(frame)]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
    this.onmessage?.({ data });
  }
  open() {
    this.onopen?.();
  }
  drop(code = 1006) {
    this.onclose?.({ code });
  }
}

const last = () => FakeSocket.all[FakeSocket.all.length - 1]!;

describe("LiveConnection", () => {
  let frames: ServerFrame[];
  let conn: LiveConnection;
  let ended: number;
  let failures: number[];

  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.all = [];
    frames = [];
    ended = 0;
    failures = [];
    vi.stubGlobal("WebSocket", FakeSocket);
    vi.stubGlobal("window", { addEventListener: () => {}, removeEventListener: () => {} });
    vi.stubGlobal("navigator", { onLine: true });
    conn = new LiveConnection({
      url: () => "ws://x/ws",
      onFrame: (f) => frames.push(f),
      random: () => 0.5,
      staleAfterMs: 40_000,
      onSessionEnded: () => (ended += 1),
      onHandshakeFailures: (n) => failures.push(n),
    });
    conn.start();
  });

  afterEach(() => {
    conn.stop();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("is live only once the snapshot arrives, and passes frames on", () => {
    expect(conn.getState()).toMatchObject({ status: "reconnecting", attempt: 0 });
    last().send({ type: "snapshot", targets: [], serverTime: new Date().toISOString() });
    expect(conn.getState()).toMatchObject({ status: "live", attempt: 0 });
    expect(frames.map((f) => f.type)).toEqual(["snapshot"]);
  });

  it("reconnects with 1 s, 2 s, 5 s, 10 s, 10 s backoff and goes offline after repeated failures", () => {
    last().send({ type: "snapshot", targets: [], serverTime: new Date().toISOString() });
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = FakeSocket.all.length;
      last().drop();
      const { retryAt, attempt } = conn.getState();
      expect(attempt).toBe(i + 1);
      delays.push(retryAt! - Date.now());
      vi.advanceTimersByTime(delays[i]! - 1);
      expect(FakeSocket.all.length).toBe(before);
      vi.advanceTimersByTime(1);
      expect(FakeSocket.all.length).toBe(before + 1);
    }
    expect(delays).toEqual([1000, 2000, 5000, 10_000, 10_000]);
    expect(conn.getState().status).toBe("offline");
    last().send({ type: "snapshot", targets: [], serverTime: new Date().toISOString() });
    expect(conn.getState()).toMatchObject({ status: "live", attempt: 0 });
  });

  it("treats 40 s of silence as a dead socket, but heartbeats keep it alive", () => {
    last().send({ type: "snapshot", targets: [], serverTime: new Date().toISOString() });
    const first = last();
    vi.advanceTimersByTime(30_000);
    first.send({ type: "heartbeat", serverTime: new Date().toISOString() });
    vi.advanceTimersByTime(30_000);
    expect(conn.getState().status).toBe("live");
    vi.advanceTimersByTime(10_000);
    expect(first.closed).toBe(true);
    expect(conn.getState()).toMatchObject({ status: "reconnecting", attempt: 1 });
    vi.advanceTimersByTime(1000);
    expect(last()).not.toBe(first);
  });

  it("keeps an error frame's message until the next snapshot", () => {
    last().send({ type: "snapshot", targets: [], serverTime: new Date().toISOString() });
    last().send({ type: "error", code: "X", message: "overloaded" });
    expect(conn.getState().error).toBe("overloaded");
    last().drop();
    expect(conn.getState().error).toBe("overloaded");
    vi.advanceTimersByTime(1000);
    last().send({ type: "snapshot", targets: [], serverTime: new Date().toISOString() });
    expect(conn.getState().error).toBeNull();
  });

  it("stops cleanly: no reconnect after stop", () => {
    const n = FakeSocket.all.length;
    conn.stop();
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all.length).toBe(n);
  });

  it("stops reconnecting and reports the session ended on close 4401", () => {
    last().open();
    last().send({ type: "snapshot", targets: [], serverTime: new Date().toISOString() });
    const n = FakeSocket.all.length;
    last().drop(4401);
    expect(ended).toBe(1);
    expect(conn.getState()).toMatchObject({ retryAt: null });
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all.length).toBe(n);
    conn.reconnectNow();
    expect(FakeSocket.all.length).toBe(n + 1);
  });

  it("asks about the session after repeated refused handshakes, not after drops of open sockets", () => {
    last().open();
    last().send({ type: "snapshot", targets: [], serverTime: new Date().toISOString() });
    last().drop();
    expect(failures).toEqual([]);
    vi.advanceTimersByTime(1000);
    last().drop();
    expect(failures).toEqual([]);
    vi.advanceTimersByTime(2000);
    last().drop();
    expect(failures).toEqual([2]);
    vi.advanceTimersByTime(5000);
    last().open();
    last().drop();
    vi.advanceTimersByTime(10_000);
    last().drop();
    expect(failures).toEqual([2]);
    expect(ended).toBe(0);
  });
  it("asks for the gzipped snapshot, and after a drop resumes from the fleet version it last had", () => {
    const url = () => new URL(last().url);
    expect([url().searchParams.get("snapshot"), url().searchParams.get("updates")]).toEqual(["gzip", "gzip"]);
    expect(url().searchParams.has("since")).toBe(false);
    last().send({ type: "snapshot", targets: [], serverTime: new Date().toISOString(), version: 7, epoch: "e1" });
    last().drop();
    vi.advanceTimersByTime(1000);
    expect([url().searchParams.get("since"), url().searchParams.get("epoch")]).toEqual(["7", "e1"]);
  });

  it("a snapshot without a version (an older API) does not resume", () => {
    last().send({ type: "snapshot", targets: [], serverTime: new Date().toISOString() });
    last().drop();
    vi.advanceTimersByTime(1000);
    expect(new URL(last().url).searchParams.has("since")).toBe(false);
  });

  it("hands a changes frame on as the snapshot it amounts to: the held targets, changed ones replaced, removed ones gone", () => {
    const a = view("a", "ok", 1);
    const b = view("b", "ok", 1);
    const c = view("c", "ok", 1);
    last().send({ type: "snapshot", targets: [a, b, c], serverTime: new Date().toISOString(), version: 3, epoch: "e1" });
    // A live update while connected, then a drop; the API says what changed since version 3.
    last().send({ type: "target.update", targets: [view("c", "warning", 2)] });
    last().drop();
    expect(conn.getState().status).toBe("reconnecting");
    vi.advanceTimersByTime(1000);
    expect(new URL(last().url).searchParams.get("since")).toBe("3");
    last().send({
      type: "changes",
      since: 3,
      version: 9,
      epoch: "e1",
      targets: [view("b", "down", 5), view("d", "ok", 5)],
      removed: ["a"],
      serverTime: new Date().toISOString(),
    });
    expect(conn.getState()).toMatchObject({ status: "live", attempt: 0 });
    const resumed = frames.at(-1)!;
    expect(resumed.type).toBe("snapshot");
    if (resumed.type !== "snapshot") return;
    expect(resumed.targets.map((t) => `${t.name}:${t.status}`)).toEqual(["b:down", "c:warning", "d:ok"]);
    expect([resumed.version, resumed.epoch]).toEqual([9, "e1"]);
    last().drop();
    vi.advanceTimersByTime(1000);
    expect(new URL(last().url).searchParams.get("since")).toBe("9");
  });

  it("inflates a gzipped binary snapshot, and text frames that arrive meanwhile wait for it", async () => {
    await last().sendGzip({ type: "snapshot", targets: [view("a", "ok", 1)], serverTime: new Date().toISOString(), version: 4, epoch: "e2" });
    last().send({ type: "target.update", targets: [view("a", "down", 2)] });
    expect(frames).toEqual([]);
    await vi.waitFor(() => expect(frames.map((f) => f.type)).toEqual(["snapshot", "target.update"]));
    expect(conn.getState().status).toBe("live");
    // Once the inbox is empty a text frame is handled at once again.
    await vi.waitFor(() => {
      last().send({ type: "heartbeat", serverTime: new Date().toISOString() });
      expect(frames.at(-1)?.type).toBe("heartbeat");
    });
  });

  it("drops a binary frame that is not gzipped JSON of a frame, and stays not live", async () => {
    const junk = new TextEncoder().encode("not gzip at all");
    last().onmessage?.({ data: junk.buffer as ArrayBuffer });
    last().send({ type: "heartbeat", serverTime: new Date().toISOString() });
    await vi.waitFor(() => expect(frames.map((f) => f.type)).toEqual(["heartbeat"]));
    expect(conn.getState().status).toBe("reconnecting");
  });
});

describe("retryDelay", () => {
  it("spreads each backoff step over half to one and a half times itself", async () => {
    const { retryDelay } = await import("./ws.ts");
    const table: [attempt: number, random: number, ms: number][] = [
      [1, 0, 500],
      [1, 0.5, 1000],
      [1, 0.999, 1499],
      [2, 0, 1000],
      [3, 0.5, 5000],
      [9, 0.999, 14_990],
      [1, 7, 1500],
      [1, -1, 500],
    ];
    for (const [attempt, random, ms] of table) expect([attempt, random, retryDelay(attempt, () => random)]).toEqual([attempt, random, ms]);
  });
});

/** A target as the API sends it, checked at second `t` of a fixed minute. */
function view(name: string, status: TargetView["status"], t: number): TargetView {
  const at = new Date(Date.UTC(2030, 0, 1, 0, 0, t)).toISOString();
  return {
    name,
    displayName: name,
    kind: "service",
    check: "http",
    url: `http://127.0.0.1/${name}`,
    port: null,
    enabled: true,
    description: null,
    status,
    reason: status,
    findings: [],
    latencyMs: 3,
    checkedAt: at,
    since: at,
    version: null,
    uptimeMs: null,
    ready: null,
    resources: {},
    healing: null,
  };
}
