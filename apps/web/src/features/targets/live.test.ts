import { describe, expect, it } from "vitest";
import { target } from "../../lib/targets.test-util.ts";
import type { StatusEventView } from "@ops/contract";
import { applyFrame, prependEvent, toLiveFrame, upsertTargets } from "./live.ts";
import { frame } from "../../lib/frames.test-util.ts";
import { parseFrame } from "../../lib/ws.ts";

const list = [target("steward"), target("alpha"), target("beta")];

const event: StatusEventView = { id: 1, target: "alpha", at: "2026-11-23T14:00:30.000Z", kind: "status", from: "ok", to: "down", reason: "connection refused" };
const wire = (v: unknown) => parseFrame(JSON.stringify(v));

describe("frames the board reads", () => {
  it("takes a snapshot in the contract's shape", () => {
    const f = toLiveFrame(wire({ type: "snapshot", targets: [target("x", { status: "down" })], serverTime: "2026-11-23T14:00:00.000Z" })!);
    expect(f?.type).toBe("snapshot");
    if (f?.type !== "snapshot") return;
    expect(f.targets[0]).toMatchObject({ name: "x", status: "down" });
  });

  it("drops unknown frame types and malformed payloads before any handler sees them", () => {
    expect(wire({ type: "runbook.step" })).toBeNull();
    expect(wire({ type: "snapshot", targets: "nope", serverTime: "t" })).toBeNull();
    expect(wire({ type: "snapshot", targets: [target("x"), { bogus: true }], serverTime: "t" })).toBeNull();
    expect(wire({ type: "target.status", target: 3, event })).toBeNull();
    expect(wire({ type: "target.status", target: target("alpha"), event: { nope: 1 } })).toBeNull();
    expect(wire({ type: "target.status", target: { ...target("alpha"), status: "purple" }, event })).toBeNull();
  });

  it("passes the board's frames and ignores the other features' frames", () => {
    expect(toLiveFrame(wire({ type: "target.status", target: target("alpha"), event })!)).toMatchObject({ type: "target.status", event });
    expect(toLiveFrame(wire({ type: "heartbeat", serverTime: "2026-11-23T14:00:00.000Z" })!)).toMatchObject({ type: "heartbeat" });
    expect(toLiveFrame(frame({ type: "incident.updated", incident: {} }))).toBeNull();
  });
});

describe("applyFrame", () => {
  it("replaces the whole list on snapshot, even with fewer targets", () => {
    const next = applyFrame(list, { type: "snapshot", targets: [target("alpha", { status: "down" })], serverTime: "t" });
    expect(next?.map((t) => t.name)).toEqual(["alpha"]);
  });

  it("updates one target in place on a status change, keeping the API order", () => {
    const down = target("alpha", { status: "down", reason: "connection refused", checkedAt: "2026-11-23T14:00:30.000Z" });
    const next = applyFrame(list, { type: "target.status", target: down, event });
    expect(next?.map((t) => t.name)).toEqual(["steward", "alpha", "beta"]);
    expect(next?.[1]).toBe(down);
    expect(next?.[0]).toBe(list[0]);
  });

  it("merges routine updates and appends new targets", () => {
    const next = applyFrame(list, {
      type: "target.update",
      targets: [target("beta", { latencyMs: 99 }), target("charlie")],
    });
    expect(next?.map((t) => t.name)).toEqual(["steward", "alpha", "beta", "charlie"]);
    expect(next?.[2]?.latencyMs).toBe(99);
  });

  it("leaves the list alone for heartbeats and errors", () => {
    expect(applyFrame(list, { type: "heartbeat", serverTime: "t" })).toBe(list);
    expect(applyFrame(list, { type: "error", code: "DEPENDENCY_DOWN", message: "x" })).toBe(list);
  });

  it("does nothing to an empty cache except on snapshot", () => {
    expect(applyFrame(undefined, { type: "target.update", targets: [target("x")] })).toBeUndefined();
    expect(applyFrame(undefined, { type: "snapshot", targets: [target("x")], serverTime: "t" })).toHaveLength(1);
  });
});

describe("upsertTargets", () => {
  it("ignores results older than what is cached", () => {
    const stale = target("alpha", { status: "down", checkedAt: "2026-11-23T13:59:00.000Z" });
    expect(upsertTargets(list, [stale])).toBe(list);
  });

  it("accepts results without a check time", () => {
    const next = upsertTargets(list, [target("alpha", { checkedAt: null, status: "unknown" })]);
    expect(next?.[1]?.status).toBe("unknown");
  });
});

describe("prependEvent", () => {
  const ev = (id: number, name = "alpha"): StatusEventView => ({
    id,
    target: name,
    at: "2026-11-23T14:00:00.000Z",
    kind: "status",
    from: "ok",
    to: "down",
    reason: "connection refused",
  });

  it("puts a matching event first and trims to the limit", () => {
    const next = prependEvent([ev(2), ev(1)], ev(3), { target: "alpha", limit: 2 });
    expect(next?.map((e) => e.id)).toEqual([3, 2]);
  });

  it("skips events for other targets, duplicates and uncached lists", () => {
    const events = [ev(1)];
    expect(prependEvent(events, ev(2, "beta"), { target: "alpha" })).toBe(events);
    expect(prependEvent(events, ev(1), { target: "alpha" })).toBe(events);
    expect(prependEvent(undefined, ev(2), {})).toBeUndefined();
  });

  it("adds any target's event to an unfiltered list", () => {
    expect(prependEvent([ev(1)], ev(2, "beta"), {})?.map((e) => e.id)).toEqual([2, 1]);
  });
});
