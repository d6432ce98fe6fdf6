import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { configKeys } from "../../lib/query-keys.ts";
import { healing, target } from "../../lib/targets.test-util.ts";
import type { HealingView, StatusEventView, TargetView } from "@ops/contract";
import { createLiveSync, eventKeys, restartKeys, targetKeys } from "./queries.ts";
import { frame } from "../../lib/frames.test-util.ts";

function setup() {
  const qc = new QueryClient();
  return { qc, sync: createLiveSync(qc) };
}

const event: StatusEventView = {
  id: 7,
  target: "alpha",
  at: "2026-11-23T14:00:30.000Z",
  kind: "status",
  from: "ok",
  to: "down",
  reason: "connection refused",
};

describe("query keys", () => {
  it("nests every target key under targetKeys.all", () => {
    expect(targetKeys.detail("a").slice(0, 1)).toEqual(targetKeys.all);
    expect(targetKeys.samples("a", "24h")).toEqual(["targets", "samples", "a", "24h"]);
    expect(eventKeys.list({ target: "a" })).toEqual(["events", "list", { target: "a" }]);
    expect(restartKeys.list("a")).toEqual(["restarts", "list", "a"]);
    expect(restartKeys.list("a").slice(0, 1)).toEqual(restartKeys.all);
  });
});

describe("createLiveSync", () => {
  it("seeds the list from a snapshot and replaces the details a page holds, without a detail per target", () => {
    const { qc, sync } = setup();
    qc.setQueryData(targetKeys.detail("alpha"), target("alpha", { status: "down" }));
    sync({ type: "snapshot", targets: [target("steward"), target("alpha")], serverTime: "2026-11-23T14:00:00Z" });
    expect(qc.getQueryData<TargetView[]>(targetKeys.all)?.map((t) => t.name)).toEqual(["steward", "alpha"]);
    expect(qc.getQueryData<TargetView>(targetKeys.detail("alpha"))?.status).toBe("ok");
    expect(qc.getQueryData(targetKeys.detail("steward"))).toBeUndefined();
    expect(qc.getQueryCache().findAll({ queryKey: ["targets", "detail"] })).toHaveLength(1);
  });

  it("stores the fleet list as the frame built it (no structural sharing over 10,000 targets)", () => {
    const { qc, sync } = setup();
    sync(frame({ type: "snapshot", targets: [target("steward"), target("alpha")] }));
    const again = [target("steward"), target("alpha")];
    sync(frame({ type: "snapshot", targets: again }));
    // With structural sharing, a list equal in content would have kept the first array.
    expect(qc.getQueryData(targetKeys.all)).toBe(again);
    const before = qc.getQueryData<TargetView[]>(targetKeys.all)!;
    sync({ type: "target.update", targets: [target("alpha", { latencyMs: 40, checkedAt: "2026-11-23T14:01:00.000Z" })] });
    const after = qc.getQueryData<TargetView[]>(targetKeys.all)!;
    expect(after).not.toBe(before);
    expect(after[0]).toBe(before[0]);
    expect(after[1]?.latencyMs).toBe(40);
  });

  it("updates a detail only where a page holds one", () => {
    const { qc, sync } = setup();
    sync(frame({ type: "snapshot", targets: [target("steward"), target("alpha")] }));
    qc.setQueryData(targetKeys.detail("alpha"), target("alpha"));
    sync({ type: "target.update", targets: [target("alpha", { latencyMs: 99, checkedAt: "2026-11-23T14:01:00.000Z" }), target("steward", { latencyMs: 98 })] });
    expect(qc.getQueryData<TargetView>(targetKeys.detail("alpha"))?.latencyMs).toBe(99);
    expect(qc.getQueryData(targetKeys.detail("steward"))).toBeUndefined();
    expect(qc.getQueryData<TargetView[]>(targetKeys.all)?.[0]?.latencyMs).toBe(98);
  });

  it("applies a status change to list, detail and matching event lists", () => {
    const { qc, sync } = setup();
    sync(frame({ type: "snapshot", targets: [target("steward"), target("alpha")] }));
    qc.setQueryData(targetKeys.detail("alpha"), target("alpha"));
    qc.setQueryData(eventKeys.list({ target: "alpha", limit: 50 }), []);
    qc.setQueryData(eventKeys.list({ target: "steward", limit: 50 }), []);
    const down = target("alpha", { status: "down", reason: "connection refused", checkedAt: "2026-11-23T14:00:30.000Z" });
    sync({ type: "target.status", target: down, event });
    expect(qc.getQueryData<TargetView[]>(targetKeys.all)?.[1]?.status).toBe("down");
    expect(qc.getQueryData<TargetView>(targetKeys.detail("alpha"))?.reason).toBe("connection refused");
    expect(qc.getQueryData<StatusEventView[]>(eventKeys.list({ target: "alpha", limit: 50 }))).toEqual([event]);
    expect(qc.getQueryData<StatusEventView[]>(eventKeys.list({ target: "steward", limit: 50 }))).toEqual([]);
  });

  it("treats a snapshot after reconnect as the truth", () => {
    const { qc, sync } = setup();
    sync(frame({ type: "snapshot", targets: [target("alpha", { status: "down", checkedAt: "2026-11-23T15:00:00Z" })] }));
    qc.setQueryData(targetKeys.detail("alpha"), target("alpha", { status: "down", checkedAt: "2026-11-23T15:00:00Z" }));
    sync(frame({ type: "snapshot", targets: [target("alpha", { status: "ok", checkedAt: "2026-11-23T14:00:00Z" })] }));
    expect(qc.getQueryData<TargetView>(targetKeys.detail("alpha"))?.status).toBe("ok");
  });

  it("ignores heartbeats and unknown frames", () => {
    const { qc, sync } = setup();
    sync({ type: "heartbeat", serverTime: "2026-11-23T14:00:00Z" });
    sync(frame({ type: "something.new", payload: 1 }));
    expect(qc.getQueryData(targetKeys.all)).toBeUndefined();
  });

  it("refetches a target's restart history when its last restart moves", () => {
    const { qc, sync } = setup();
    const h: HealingView = healing({ nextRestartAt: null, lastRestartAt: "2026-11-23T14:00:00Z" });
    sync(frame({ type: "snapshot", targets: [target("alpha", { healing: h }), target("beta", { healing: h })] }));
    qc.setQueryData(restartKeys.list("alpha"), []);
    qc.setQueryData(restartKeys.list("beta"), []);
    sync({
      type: "target.update",
      targets: [target("alpha", { healing: { ...h, lastRestartAt: "2026-11-23T14:00:30Z" } }), target("beta", { healing: h })],
    });
    expect(qc.getQueryState(restartKeys.list("alpha"))?.isInvalidated).toBe(true);
    expect(qc.getQueryState(restartKeys.list("beta"))?.isInvalidated).toBe(false);
    sync(frame({ type: "target.status", target: target("beta", { healing: { ...h, state: "restarting" } }), event: null }));
    expect(qc.getQueryState(restartKeys.list("beta"))?.isInvalidated).toBe(true);
  });

  it("refetches the config file's status when the healing state moves (the doctor may have restored it)", () => {
    const { qc, sync } = setup();
    sync(frame({ type: "snapshot", targets: [target("alpha", { healing: healing({ state: "escalated" }) })] }));
    qc.setQueryData(configKeys.status("alpha"), null);
    sync({ type: "target.update", targets: [target("alpha", { healing: healing({ state: "starting", startingSince: "2026-11-23T14:00:00Z" }) })] });
    expect(qc.getQueryState(configKeys.status("alpha"))?.isInvalidated).toBe(true);
  });
});
