import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LiveConnection } from "./ws.ts";
import type { ServerFrame } from "@ops/contract";

class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
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
});
