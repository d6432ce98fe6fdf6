import { describe, expect, it } from "vitest";
import type { TargetView } from "@ops/contract";
import { Fleet, filterTargets, isFiltered, isNotOlder, pageTargets, queryTargets, summarize } from "../src/fleet/fleet.ts";

function target(name: string, over: Partial<TargetView> = {}): TargetView {
  return {
    name,
    displayName: name.toUpperCase(),
    kind: "service",
    check: "http",
    url: `http://127.0.0.1/${name}`,
    port: null,
    enabled: true,
    description: null,
    status: "ok",
    reason: "",
    findings: [],
    latencyMs: 10,
    checkedAt: "2026-12-01T00:00:10.000Z",
    since: null,
    version: null,
    uptimeMs: null,
    ready: null,
    resources: {},
    healing: null,
    ...over,
  };
}
const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 0, 0, s)).toISOString();

describe("isNotOlder", () => {
  it.each([
    [at(10), at(10), true],
    [at(11), at(10), true],
    [at(9), at(10), false],
    [null, at(10), true],
    [at(9), null, true],
  ])("incoming %s vs held %s → %s", (a, b, want) => {
    expect(isNotOlder(target("x", { checkedAt: a }), target("x", { checkedAt: b }))).toBe(want);
  });
});

describe("Fleet", () => {
  it("applies newer views, ignores older and equal ones, and counts one version per change", () => {
    const f = new Fleet();
    expect(f.rebuild([target("a"), target("b")])).toEqual(["a", "b"]);
    expect(f.version).toBe(1);
    expect(f.apply([target("a", { checkedAt: at(9), status: "down" })])).toEqual([]);
    expect(f.apply([target("a")])).toEqual([]);
    expect(f.version).toBe(1);
    expect(f.apply([target("a", { checkedAt: at(11), latencyMs: 12 }), target("b")])).toEqual(["a"]);
    expect(f.version).toBe(2);
    expect(f.get("a")?.latencyMs).toBe(12);
    expect(f.list().map((t) => t.name)).toEqual(["a", "b"]);
  });

  it("appends names only frames know, and a rebuild puts config order back and drops what left", () => {
    const f = new Fleet();
    f.rebuild([target("a"), target("b")]);
    f.apply([target("z")]);
    expect(f.list().map((t) => t.name)).toEqual(["a", "b", "z"]);
    expect(f.rebuild([target("b"), target("a")]).sort()).toEqual(["z"]);
    expect(f.list().map((t) => t.name)).toEqual(["b", "a"]);
    expect(f.jsonOfList()).toBe([target("b"), target("a")].map((t) => JSON.stringify(t)).join(","));
  });

  it("a rebuild keeps a view a frame brought while the rows were read, unless the row is newer", () => {
    const f = new Fleet();
    f.rebuild([target("a"), target("b")]);
    f.apply([target("a", { checkedAt: at(10), healing: null, reason: "fresh" })]);
    f.apply([target("b", { checkedAt: at(12), reason: "frame" })]);
    f.rebuild([target("a", { reason: "stale row" }), target("b", { checkedAt: at(13), reason: "newer row" })], new Set(["a", "b"]));
    expect(f.get("a")?.reason).toBe("fresh");
    expect(f.get("b")?.reason).toBe("newer row");
  });

  it("says what changed since a version, including names that left; too old or from the future is null", () => {
    const f = new Fleet(3);
    f.rebuild([target("a"), target("b"), target("c")]); // v1
    f.apply([target("a", { checkedAt: at(11) })]); // v2
    f.apply([target("b", { checkedAt: at(11) })]); // v3
    expect(f.changesSince(3)).toEqual({ targets: [], removed: [] });
    expect(f.changesSince(2)?.targets.map((t) => t.name)).toEqual(["b"]);
    expect(f.changesSince(1)?.targets.map((t) => t.name)).toEqual(["a", "b"]);
    expect(f.changesSince(4)).toBeNull();
    f.rebuild([target("a", { checkedAt: at(11) }), target("b", { checkedAt: at(11) })]); // v4: c left
    expect(f.changesSince(3)).toEqual({ targets: [], removed: ["c"] });
    f.apply([target("d")]); // v5: the ring (3 names) forgets a (v2)
    expect(f.floor).toBe(2);
    expect(f.changesSince(1)).toBeNull();
    expect(
      f
        .changesSince(2)
        ?.targets.map((t) => t.name)
        .sort(),
    ).toEqual(["b", "d"]);
  });
});

describe("filters, paging and the summary", () => {
  const fleet = [
    target("steward", { kind: "agent", status: "ok", description: "the first agent" }),
    target("alpha", { kind: "agent", status: "down" }),
    target("db", { status: "critical" }),
    target("cache", { status: "warning", description: "Redis for sessions" }),
    target("web-1", { status: "ok" }),
    target("web-2", { status: "down" }),
    target("off", { status: "down", enabled: false }),
  ];
  const names = (ts: TargetView[]) => ts.map((t) => t.name);

  it.each([
    [{}, ["steward", "alpha", "db", "cache", "web-1", "web-2", "off"]],
    [{ status: "down" }, ["alpha", "web-2", "off"]],
    [{ status: "down,critical", kind: "service" }, ["db", "web-2", "off"]],
    [{ kind: "agent" }, ["steward", "alpha"]],
    [{ q: "WEB" }, ["web-1", "web-2"]],
    [{ q: "redis" }, ["cache"]],
    [{ q: "STEW" }, ["steward"]],
    [{ q: "  " }, ["steward", "alpha", "db", "cache", "web-1", "web-2", "off"]],
  ])("filter %o", (q, want) => {
    expect(names(filterTargets(fleet, q))).toEqual(want);
  });

  it.each([
    [{ limit: 3 }, ["steward", "alpha", "db"], "db"],
    [{ limit: 3, cursor: "db" }, ["cache", "web-1", "web-2"], "web-2"],
    [{ limit: 3, cursor: "web-2" }, ["off"], null],
    [{ limit: 2, offset: 5 }, ["web-2", "off"], null],
    [{ cursor: "gone", limit: 1 }, ["steward"], "steward"],
    [{ offset: 99 }, [], null],
  ])("page %o", (q, want, next) => {
    const page = pageTargets(fleet, q);
    expect([names(page.targets), page.nextCursor, page.total]).toEqual([want, next, fleet.length]);
  });

  it("a query pages the filtered selection and carries the version", () => {
    expect(queryTargets(fleet, { status: "down", limit: 1 }, 7)).toMatchObject({ total: 3, nextCursor: "alpha", version: 7 });
  });

  it.each([
    [{}, false],
    [{ limit: 5 }, true],
    [{ q: "" }, true],
    [{ offset: 0 }, true],
  ])("isFiltered %o → %s", (q, want) => {
    expect(isFiltered(q)).toBe(want);
  });

  it("counts by status and lists enabled problems, agents first, then worst first, then fleet order", () => {
    const s = summarize(fleet, 4);
    expect(s.counts).toEqual({ ok: 2, warning: 1, critical: 1, down: 3, unknown: 0 });
    expect([s.total, s.version]).toEqual([7, 4]);
    expect(names(s.problems)).toEqual(["alpha", "web-2", "db", "cache"]);
  });
});
