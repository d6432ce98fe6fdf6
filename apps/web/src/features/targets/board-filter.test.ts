import { describe, expect, it } from "vitest";
import type { TargetView } from "@ops/contract";
import { FIXED_NOW, target } from "../../lib/targets.test-util.ts";
import {
  boardRows,
  boardSearch,
  boardSections,
  columnsFor,
  countBoardStatuses,
  EMPTY_QUERY,
  filterTargets,
  formatCount,
  isStale,
  matchesQuery,
  parseBoardQuery,
  pinnedFamilies,
  pinnedNames,
  resultsLine,
  staleTest,
  worstFirst,
  type BoardQuery,
} from "./board-filter.ts";

const q = (patch: Partial<BoardQuery> = {}): BoardQuery => ({ ...EMPTY_QUERY, ...patch });
const names = (ts: readonly TargetView[]) => ts.map((t) => t.name);
const opts = { now: FIXED_NOW, staleAfterMs: 60_000 };

const steward = target("steward", { displayName: "Steward", description: "Orchestrator of the collective" });
const alpha = target("alpha", { description: "Triad member", status: "down" });
const redis = target("redis", { kind: "service", check: "tcp", description: "Queues and pub/sub" });
const ollama = target("ollama", { kind: "service", check: "http", enabled: false, status: "unknown", description: "Local models on GPU" });
const fleet = [steward, alpha, redis, ollama];

/** A farm of `n` HTTP services (a family too large to pin), ok unless patched by index. */
function farm(n: number, patch: (i: number) => Partial<TargetView> = () => ({})): TargetView[] {
  return Array.from({ length: n }, (_, i) =>
    target(`web-${String(i).padStart(5, "0")}`, { kind: "service", check: "http", displayName: `Web ${i}`, ...patch(i) }),
  );
}

describe("parseBoardQuery / boardSearch", () => {
  it.each([
    ["", q()],
    ["?q=redis", q({ text: "redis" })],
    ["?q=web+12&status=down,critical&kind=service", q({ text: "web 12", statuses: ["down", "critical"], kind: "service" })],
    ["?status=critical&status=DOWN", q({ statuses: ["down", "critical"] })],
    ["?status=purple,ok&kind=robot", q({ statuses: ["ok"] })],
    ["?status=off", q({ statuses: ["off"] })],
  ])("%s", (search, want) => {
    expect(parseBoardQuery(search)).toEqual(want);
  });

  it.each([
    [q(), ""],
    [q({ text: "  " }), ""],
    [q({ text: "web 12" }), "q=web+12"],
    [q({ statuses: ["critical", "down"], kind: "agent" }), "status=down%2Ccritical&kind=agent"],
  ])("writes %j as %s, and reads it back", (query, want) => {
    expect(boardSearch(query)).toBe(want);
    expect(boardSearch(parseBoardQuery(`?${want}`))).toBe(want);
  });
});

describe("matchesQuery", () => {
  it.each<[string, Partial<BoardQuery>, string[]]>([
    ["no filter keeps all", {}, ["steward", "alpha", "redis", "ollama"]],
    ["text over the name, any case", { text: "REDIS" }, ["redis"]],
    ["text over the display name", { text: "stew" }, ["steward"]],
    ["text over the description", { text: "triad" }, ["alpha"]],
    ["every word must match", { text: "local gpu" }, ["ollama"]],
    ["a word that matches nothing", { text: "local zebra" }, []],
    ["status", { statuses: ["down"] }, ["alpha"]],
    ["several statuses", { statuses: ["down", "ok"] }, ["steward", "alpha", "redis"]],
    ["off is a status of its own; unknown does not take the disabled", { statuses: ["unknown"] }, []],
    ["off", { statuses: ["off"] }, ["ollama"]],
    ["kind", { kind: "service" }, ["redis", "ollama"]],
    ["all at once", { kind: "agent", statuses: ["ok", "down"], text: "orchestrator" }, ["steward"]],
  ])("%s", (_, patch, want) => {
    expect(names(filterTargets(fleet, q(patch)))).toEqual(want);
    expect(names(fleet.filter((t) => matchesQuery(t, q(patch))))).toEqual(want);
  });

  it("searches a target's new text once a frame replaced it (the lower-cased text is kept per target object)", () => {
    const before = target("web-1", { description: "Checkout web node" });
    expect(matchesQuery(before, q({ text: "checkout" }))).toBe(true);
    const after = { ...before, description: "Storefront web node" };
    expect(matchesQuery(after, q({ text: "checkout" }))).toBe(false);
    expect(matchesQuery(after, q({ text: "STOREFRONT" }))).toBe(true);
    expect(matchesQuery(before, q({ text: "checkout" }))).toBe(true);
  });
});

describe("sorting and pinning", () => {
  it("puts the worst first and keeps fleet order among equals", () => {
    const ts = [
      target("a"),
      target("b", { status: "warning" }),
      target("c", { status: "down" }),
      target("d", { status: "unknown" }),
      target("e", { status: "down" }),
    ];
    expect(names(worstFirst(ts))).toEqual(["c", "e", "b", "a", "d"]);
  });

  it("pins small families whole and never a large one", () => {
    const ts = [...fleet, ...farm(40)];
    expect([...pinnedNames(ts)]).toEqual(["steward", "alpha", "redis"]);
    expect([...pinnedNames(fleet)]).toEqual(["steward", "alpha", "redis", "ollama"]);
  });

  it("names the pinned families", () => {
    expect([...pinnedFamilies([...fleet, ...farm(40)])]).toEqual(["agent:openclaw", "service:tcp"]);
    expect([...pinnedFamilies(fleet)]).toEqual(["agent:openclaw", "service:tcp", "service:http"]);
    expect([...pinnedFamilies(farm(3), 2)]).toEqual([]);
  });

  it("counts board statuses, disabled apart", () => {
    expect(countBoardStatuses(fleet)).toEqual({ down: 1, critical: 0, warning: 0, ok: 2, unknown: 0, off: 1 });
  });

  it.each([
    ["fresh", target("a"), false],
    ["older than the rule", target("a", { checkedAt: new Date(FIXED_NOW - 61_000).toISOString() }), true],
    ["never checked", target("a", { checkedAt: null }), false],
    ["disabled", target("a", { enabled: false, checkedAt: new Date(FIXED_NOW - 600_000).toISOString() }), false],
  ])("stale: %s", (_, t, want) => {
    expect(isStale(t, FIXED_NOW, 60_000)).toBe(want);
  });

  const at = (ms: number) => new Date(FIXED_NOW - ms).toISOString();
  it.each([
    ["exactly at the limit", at(60_000), false],
    ["1 ms past the limit", at(60_001), true],
    ["1 ms inside the limit", at(59_999), false],
    ["in the future", at(-5_000), false],
    ["without milliseconds, past", at(61_000).replace(/\.\d{3}Z$/, "Z"), true],
    ["without milliseconds, inside", at(59_000).replace(/\.\d{3}Z$/, "Z"), false],
    ["with an offset, past", new Date(FIXED_NOW - 61_000 + 3_600_000).toISOString().replace(/\.\d{3}Z$/, ".000+01:00"), true],
    ["with an offset, inside", new Date(FIXED_NOW - 59_000 + 3_600_000).toISOString().replace(/\.\d{3}Z$/, ".000+01:00"), false],
    ["not a date", "yesterday", false],
  ])("staleTest, the API's timestamps compared as text, others parsed: %s", (_, checkedAt, want) => {
    const t = target("a", { checkedAt });
    expect(staleTest(FIXED_NOW, 60_000)(t)).toBe(want);
    expect(isStale(t, FIXED_NOW, 60_000)).toBe(want);
  });
});

describe("boardSections", () => {
  const shape = (ss: ReturnType<typeof boardSections>) => ss.map((s) => [s.id, names(s.targets).length > 4 ? s.targets.length : names(s.targets)]);

  it("the fleet's own board is today's: Agents and Services, fleet order, every status", () => {
    expect(shape(boardSections(fleet, q(), opts))).toEqual([
      ["agents", ["steward", "alpha"]],
      ["services", ["redis", "ollama"]],
    ]);
  });

  it("an empty fleet still has its two sections", () => {
    expect(shape(boardSections([], q(), opts))).toEqual([
      ["agents", []],
      ["services", []],
    ]);
  });

  it("a large fleet: problems first, the pinned, unknown or stale, the healthy rest grouped, not monitored last", () => {
    const old = new Date(FIXED_NOW - 120_000).toISOString();
    const many = farm(9_990, (i) =>
      i === 7
        ? { status: "warning" }
        : i === 9
          ? { status: "down" }
          : i === 11
            ? { status: "unknown", checkedAt: null }
            : i === 12
              ? { checkedAt: old }
              : i === 13
                ? { enabled: false, status: "unknown" }
                : {},
    );
    const ss = boardSections([...fleet, ...many], q(), opts);
    expect(shape(ss)).toEqual([
      ["problems", ["web-00009", "web-00007"]],
      ["agents", ["steward", "alpha"]],
      ["services", ["redis"]],
      ["attention", ["web-00011", "web-00012"]],
      ["ok-service-http", 9_985],
      ["off", ["ollama", "web-00013"]],
    ]);
    expect(ss.find((s) => s.id === "ok-service-http")).toMatchObject({ title: "http services", collapsible: true, tone: "rest" });
    expect(ss.find((s) => s.id === "attention")).toMatchObject({ collapsible: true, defaultOpen: true });
  });

  it("a large unknown-or-stale section (a fleet starting up) starts closed", () => {
    const ss = boardSections([...fleet, ...farm(500, () => ({ status: "unknown", checkedAt: null }))], q(), opts);
    expect(ss.find((s) => s.id === "attention")).toMatchObject({ defaultOpen: false });
    const rows = boardRows(ss, 4, new Set());
    expect(rows.filter((r) => r.section.id === "attention").map((r) => r.type)).toEqual(["head"]);
    expect(boardRows(ss, 4, new Set(["attention"])).filter((r) => r.section.id === "attention")).toHaveLength(126);
  });

  it("filtered: one results section, worst first", () => {
    const ss = boardSections([...fleet, ...farm(50, (i) => (i === 3 ? { status: "critical" } : {}))], q({ text: "web-0000" }), opts);
    expect(ss).toHaveLength(1);
    expect(ss[0]!.id).toBe("results");
    expect(names(ss[0]!.targets).slice(0, 3)).toEqual(["web-00003", "web-00000", "web-00001"]);
    expect(ss[0]!.targets).toHaveLength(10);
  });
});

describe("boardRows", () => {
  const ss = boardSections([...fleet, ...farm(40)], q(), opts);

  it("cuts each section into rows of `cols` tiles; a closed group is its heading only", () => {
    const rows = boardRows(ss, 3, new Set());
    expect(rows.map((r) => (r.type === "tiles" ? `${r.section.id}:${names(r.targets).join(",")}` : `${r.type}:${r.section.id}`))).toEqual([
      "head:agents",
      "agents:steward,alpha",
      "head:services",
      "services:redis",
      "head:ok-service-http",
      "head:off",
    ]);
  });

  it("a section open by default closes when toggled", () => {
    const small = boardSections([...fleet, ...farm(40, (i) => (i < 2 ? { status: "unknown", checkedAt: null } : {}))], q(), opts);
    expect(
      boardRows(small, 4, new Set())
        .filter((r) => r.section.id === "attention")
        .map((r) => r.type),
    ).toEqual(["head", "tiles"]);
    expect(
      boardRows(small, 4, new Set(["attention"]))
        .filter((r) => r.section.id === "attention")
        .map((r) => r.type),
    ).toEqual(["head"]);
  });

  it("opens a group when asked, marks its first and last rows", () => {
    const rows = boardRows(ss, 4, new Set(["ok-service-http"])).filter((r) => r.type === "tiles" && r.section.id === "ok-service-http");
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => r.type === "tiles" && [r.first, r.last])).toEqual([[true, false], ...Array(8).fill([false, false]), [false, true]]);
  });

  it("says so when a pinned or results section is empty", () => {
    expect(boardRows(boardSections([], q(), opts), 4, new Set()).map((r) => r.type)).toEqual(["head", "empty", "head", "empty"]);
    expect(boardRows(boardSections(fleet, q({ text: "zebra" }), opts), 4, new Set()).map((r) => r.type)).toEqual(["head", "empty"]);
  });
});

describe("layout words", () => {
  it.each([
    [366, 1],
    [450, 2],
    [672, 3],
    [932, 4],
    [1392, 5],
    [1652, 6],
    [2152, 8],
  ])("%i px wide: %i columns", (w, cols) => {
    expect(columnsFor(w)).toBe(cols);
  });

  it.each([
    [16, 16, false, "16 targets"],
    [1, 1, false, "1 target"],
    [3, 10_000, true, "3 of 10,000 targets match"],
    [0, 10_000, true, "No target matches (of 10,000)"],
  ])("%i of %i (filtered %s): %s", (m, t, f, want) => {
    expect(resultsLine(m, t, f)).toBe(want);
  });
});

describe("formatCount", () => {
  it.each([
    [0, "0"],
    [999, "999"],
    [10_016, "10,016"],
    [1_234_567, "1,234,567"],
  ])("%d → %s", (n, want) => {
    expect(formatCount(n)).toBe(want);
  });
});
