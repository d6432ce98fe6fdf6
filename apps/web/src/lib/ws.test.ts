import { describe, expect, it } from "vitest";
import { backoffDelay, parseFrame, wsUrl } from "./ws.ts";

describe("backoffDelay", () => {
  it("goes 1 s → 2 s → 5 s → 10 s and stays at 10 s", () => {
    expect([1, 2, 3, 4, 5, 12].map(backoffDelay)).toEqual([1000, 2000, 5000, 10_000, 10_000, 10_000]);
    expect(backoffDelay(0)).toBe(1000);
  });
});

describe("wsUrl", () => {
  it("follows the page protocol", () => {
    expect(wsUrl({ protocol: "http:", host: "localhost:3000" })).toBe("ws://localhost:3000/ws");
    expect(wsUrl({ protocol: "https:", host: "ops.example" })).toBe("wss://ops.example/ws");
  });
});

describe("parseFrame", () => {
  it("accepts JSON objects with a type and drops everything else", () => {
    expect(parseFrame('{"type":"heartbeat","serverTime":"2026-01-01T00:00:00Z"}')).toEqual({
      type: "heartbeat",
      serverTime: "2026-01-01T00:00:00Z",
    });
    expect(parseFrame("not json")).toBeNull();
    expect(parseFrame('{"no":"type"}')).toBeNull();
    expect(parseFrame("[1,2]")).toBeNull();
    expect(parseFrame(new ArrayBuffer(2))).toBeNull();
  });

  it("checks each frame against the contract: unknown types, missing fields and wrong values are dropped", () => {
    expect(parseFrame('{"type":"heartbeat"}')).toBeNull();
    expect(parseFrame('{"type":"runbook.step","serverTime":"t"}')).toBeNull();
    expect(parseFrame('{"type":"error","message":"no code"}')).toBeNull();
    expect(parseFrame('{"type":"error","code":"DEPENDENCY_DOWN","message":"later"}')).toEqual({ type: "error", code: "DEPENDENCY_DOWN", message: "later" });
    expect(parseFrame('{"type":"incident.updated","incident":{"id":1}}')).toBeNull();
    // Internal bus frames never reach a browser; a server that sent one would be wrong, and it is dropped.
    expect(parseFrame('{"type":"session.revoked","userId":"u","reason":"r"}')).toBeNull();
  });
});
