import { describe, expect, it } from "vitest";
import { at, H, inc, M, NOW, resolved } from "./fixtures.test-util.ts";
import {
  appendEntry,
  compareWorstFirst,
  countLabel,
  detailsLine,
  detailsOf,
  flattenPages,
  incidentElapsed,
  incidentFromFrame,
  incidentsQuery,
  formatLag,
  matchesFilter,
  mttdText,
  mttrVsTarget,
  nextBefore,
  openByTarget,
  sinceStart,
  sortWorstFirst,
  startedFromOf,
  upsertIncident,
  upsertIncidentPages,
  validateNote,
} from "./incidents.ts";
import type { IncidentPage } from "./incidents.ts";
import type { Incident, TimelineEntry } from "./types.ts";
import { frame } from "../../lib/frames.test-util.ts";

describe("MTTD in words", () => {
  const T = Date.parse("2026-11-23T10:04:31.000Z");
  const iso = (ms: number) => new Date(ms).toISOString();
  const when = (started: number, detected: number, source: Incident["source"] = "ladder") => ({ startedAt: iso(started), detectedAt: iso(detected), source });

  it("says when it failed, when it was detected, and how long that took", () => {
    expect(mttdText(when(T - 19_000, T), "exit", T + 60_000, "UTC")).toEqual({
      text: "Failed 10:04:12 · detected 10:04:31 (19 s later)",
      basis: "from the process exit",
      state: "lag",
    });
    expect(mttdText(when(T - 19_000, T), "last-ok", T, "UTC").basis).toBe("from the last healthy sample");
    expect(mttdText(when(T - 5 * M, T), null, T, "UTC")).toEqual({ text: "Failed 09:59:31 · detected 10:04:31 (5 m later)", basis: null, state: "lag" });
    expect(mttdText(when(T - 300, T), "exit", T, "UTC").text).toBe("Failed 10:04:30 · detected 10:04:31 (<1 s later)");
  });

  it("says there was no earlier healthy sample instead of 0 s", () => {
    expect(mttdText(when(T, T), "detection", T, "UTC")).toEqual({ text: "Failed and detected 10:04:31", basis: "no earlier healthy sample", state: "unknown" });
    expect(mttdText(when(T, T), null, T, "UTC").basis).toBe("no earlier healthy sample");
    expect(mttdText(when(T, T), "exit", T, "UTC").basis).toBe("from the process exit, at the same moment");
    expect(mttdText(when(T, T, "manual"), null, T, "UTC")).toEqual({
      text: "Opened by hand 10:04:31",
      basis: "no earlier failure time known",
      state: "unknown",
    });
    expect(mttdText({ startedAt: "nope", detectedAt: iso(T), source: "ladder" }, null, T).text).toBe("—");
  });

  it("reads the start's source from the opened entry", () => {
    const e = (details: Record<string, unknown> | null, kind = "opened"): TimelineEntry => ({
      id: 1,
      at: iso(T),
      kind,
      actor: "watchdog",
      message: "",
      details,
    });
    expect(startedFromOf([e({ startedFrom: "exit" })])).toBe("exit");
    expect(startedFromOf([e({ startedFrom: "last-ok" }, "note")])).toBeNull();
    expect(startedFromOf([e({ startedFrom: "weird" })])).toBeNull();
    expect(startedFromOf([e(null)])).toBeNull();
    expect(startedFromOf(undefined)).toBeNull();
  });

  it("formats the lag", () => {
    expect([0, 999, 1000, 19_400, 59_600, 90_000].map(formatLag)).toEqual(["<1 s", "<1 s", "1 s", "19 s", "59 s", "1 m"]);
  });
});

describe("mttrVsTarget", () => {
  it("reads resolved MTTR against the severity's target", () => {
    expect(mttrVsTarget(resolved(1, H + 20 * M, 8 * H), NOW)).toEqual({ text: "1 h 20 m of 8 h", state: "met" });
    expect(mttrVsTarget(resolved(1, 5 * H, 4 * H), NOW)).toEqual({ text: "5 h of 4 h", state: "missed" });
    expect(mttrVsTarget(resolved(1, 4 * H, 4 * H), NOW).state).toBe("met");
    expect(mttrVsTarget(resolved(1, 26 * H, 24 * H), NOW)).toEqual({ text: "1 d 2 h of 24 h", state: "missed" });
  });

  it("shows a bare duration for P4 and a dash when nothing is known", () => {
    expect(mttrVsTarget(resolved(1, 45 * M, null, { severity: "P4" }), NOW)).toEqual({ text: "45 m", state: "none" });
    expect(mttrVsTarget(resolved(1, 0, 8 * H, { mttrMs: null, resolvedAt: null }), NOW)).toEqual({ text: "—", state: "none" });
  });

  it("falls back to resolvedAt − startedAt when the API leaves mttrMs out", () => {
    expect(mttrVsTarget(resolved(1, 0, 8 * H, { mttrMs: null, resolvedAt: at(-2 * H + 90 * M) }), NOW).text).toBe("1 h 30 m of 8 h");
  });

  it("counts down what is left while open, then how far past it is", () => {
    expect(mttrVsTarget(inc(1, { mttrTargetMs: 4 * H }), NOW)).toEqual({ text: "2 h left of 4 h", state: "running" });
    expect(mttrVsTarget(inc(1, { mttrTargetMs: 4 * H, startedAt: at(-4 * H - 20 * M) }), NOW)).toEqual({ text: "20 m over 4 h", state: "over" });
    expect(mttrVsTarget(inc(1, { mttrTargetMs: null, severity: "P4" }), NOW)).toEqual({ text: "no target", state: "none" });
    expect(mttrVsTarget(inc(1), NOW).text).toBe("22 h left of 24 h");
  });
});

describe("incidentElapsed", () => {
  it("runs live for open incidents and stops at MTTR once resolved", () => {
    expect(incidentElapsed(inc(1), NOW)).toBe(2 * H);
    expect(incidentElapsed(inc(1), NOW + 5_000)).toBe(2 * H + 5_000);
    expect(incidentElapsed(resolved(1, 30 * M, 8 * H), NOW + H)).toBe(30 * M);
  });

  it("never goes negative and copes with bad timestamps", () => {
    expect(incidentElapsed(inc(1, { startedAt: at(5_000) }), NOW)).toBe(0);
    expect(incidentElapsed(inc(1, { startedAt: "garbage" }), NOW)).toBeNull();
  });
});

describe("severity ordering", () => {
  it("puts the worst first, then the one burning longest", () => {
    const list = [
      inc(1, { severity: "P3" }),
      inc(2, { severity: "P1", startedAt: at(-M) }),
      inc(3, { severity: "P1", startedAt: at(-H) }),
      inc(4, { severity: "P4" }),
    ];
    expect(sortWorstFirst(list).map((i) => i.id)).toEqual([3, 2, 1, 4]);
    expect(compareWorstFirst(inc(5, { severity: "P2" }), inc(6, { severity: "P3" }))).toBeLessThan(0);
  });

  it("groups open incidents by target for the tile badges", () => {
    const map = openByTarget([
      inc(1, { targets: ["beta"], severity: "P3" }),
      inc(2, { targets: ["beta", "redis"], severity: "P1" }),
      resolved(3, M, 8 * H, { targets: ["alpha"] }),
    ]);
    expect(map.get("beta")?.map((i) => i.key)).toEqual(["INC-2", "INC-1"]);
    expect(map.get("redis")?.map((i) => i.key)).toEqual(["INC-2"]);
    expect(map.has("alpha")).toBe(false);
    expect(openByTarget(undefined).size).toBe(0);
  });

  it("counts", () => {
    expect(countLabel(1)).toBe("1 open incident");
    expect(countLabel(2)).toBe("2 open incidents");
  });
});

describe("filters and query strings", () => {
  it("treats open, acknowledged and mitigated as open", () => {
    for (const status of ["open", "acknowledged", "mitigated"] as const) {
      expect(matchesFilter(inc(1, { status }), { status: "open" })).toBe(true);
      expect(matchesFilter(inc(1, { status }), { status: "resolved" })).toBe(false);
    }
    expect(matchesFilter(resolved(1, M, null), { status: "all" })).toBe(true);
    expect(matchesFilter(inc(1), { status: "all", target: "alpha" })).toBe(false);
  });

  it("builds the list query", () => {
    expect(incidentsQuery({ status: "open" })).toBe("status=open&limit=50");
    expect(incidentsQuery({ status: "all", target: "web bridge" }, "42", 5)).toBe("status=all&target=web+bridge&limit=5&before=42");
  });

  it("pages by the last id until a short page", () => {
    expect(nextBefore([inc(9), inc(8)], 2)).toBe("8");
    expect(nextBefore([inc(9)], 2)).toBeUndefined();
  });
});

describe("applying incident.updated to a cached list", () => {
  const list = [inc(9), inc(7, { status: "acknowledged" }), inc(4)];
  const open = { status: "open" } as const;

  it("replaces an incident in place", () => {
    const next = upsertIncident(list, inc(7, { status: "mitigated" }), open);
    expect(next?.map((i) => `${i.id}:${i.status}`)).toEqual(["9:open", "7:mitigated", "4:open"]);
    expect(next?.[0]).toBe(list[0]);
  });

  it("drops it from the open list once resolved, and adds it to the resolved list", () => {
    const done = resolved(7, H, 8 * H);
    expect(upsertIncident(list, done, open)?.map((i) => i.id)).toEqual([9, 4]);
    expect(upsertIncident([inc(3, { status: "resolved" })], done, { status: "resolved" })?.map((i) => i.id)).toEqual([7, 3]);
  });

  it("inserts a new incident newest first and keeps the limit", () => {
    expect(upsertIncident(list, inc(12), open)?.map((i) => i.id)).toEqual([12, 9, 7, 4]);
    expect(upsertIncident(list, inc(5), open)?.map((i) => i.id)).toEqual([9, 7, 5, 4]);
    expect(upsertIncident(list, inc(12), open, 3)?.map((i) => i.id)).toEqual([12, 9, 7]);
  });

  it("leaves the list alone when the incident does not belong there", () => {
    expect(upsertIncident(list, inc(12, { targets: ["alpha"] }), { status: "open", target: "beta" })).toBe(list);
    expect(upsertIncident(list, resolved(12, M, null), open)).toBe(list);
    expect(upsertIncident(undefined, inc(12), open)).toBeUndefined();
  });

  it("works on paged lists without disturbing the cursors", () => {
    const pages: IncidentPage[] = [
      { incidents: [inc(20), inc(18)], next: "18" },
      { incidents: [inc(15), inc(11)], next: "11" },
    ];
    const added = upsertIncidentPages(pages, inc(21), open);
    expect(added[0]?.incidents.map((i) => i.id)).toEqual([21, 20, 18]);
    expect(added[1]).toBe(pages[1]);
    expect(added.map((p) => p.next)).toEqual(["18", "11"]);

    const gone = upsertIncidentPages(pages, resolved(15, H, 8 * H), open);
    expect(gone[1]?.incidents.map((i) => i.id)).toEqual([11]);
    expect(gone[1]?.next).toBe("11");

    // Older than everything loaded while more pages wait: "load more" will bring it.
    expect(upsertIncidentPages(pages, inc(3), open)).toBe(pages);
    const all: IncidentPage[] = [{ incidents: [inc(20)], next: undefined }];
    expect(upsertIncidentPages(all, inc(3), open)[0]?.incidents.map((i) => i.id)).toEqual([20, 3]);
  });

  it("flattens pages without duplicates", () => {
    expect(
      flattenPages([
        { incidents: [inc(5), inc(4)], next: "4" },
        { incidents: [inc(4), inc(2)], next: undefined },
      ]).map((i) => i.id),
    ).toEqual([5, 4, 2]);
    expect(flattenPages(undefined)).toEqual([]);
  });

  it("reads the incident of an incident.updated frame and ignores other frames", () => {
    expect(incidentFromFrame({ type: "incident.updated", incident: inc(7) })).toEqual(inc(7));
    expect(incidentFromFrame(frame({ type: "target.update", incident: inc(1) }))).toBeNull();
  });
});

describe("timeline helpers", () => {
  const e = (id: number, ms: number, patch: Partial<TimelineEntry> = {}): TimelineEntry => ({
    id,
    at: at(ms),
    kind: "status",
    actor: "prober",
    message: "",
    details: null,
    ...patch,
  });

  it("appends new entries in time order, once", () => {
    const tl = [e(1, -H), e(2, -M)];
    expect(appendEntry(tl, e(3, 0)).map((x) => x.id)).toEqual([1, 2, 3]);
    expect(appendEntry(tl, e(2, -M))).toBe(tl);
    expect(appendEntry(tl, e(4, -30 * M)).map((x) => x.id)).toEqual([1, 4, 2]);
  });

  it("describes details compactly", () => {
    expect(detailsLine({ attempt: 2, driver: "docker", output: null })).toBe("attempt: 2 · driver: docker");
    expect(detailsLine({ a: { b: 1 } })).toBe('a: {"b":1}');
    expect(detailsLine({ long: "x".repeat(100) })).toHaveLength("long: ".length + 80);
    expect(detailsLine(null)).toBe("");
  });

  it("tells time since the start", () => {
    expect(sinceStart(at(-2 * H + 4 * M), at(-2 * H))).toBe("+4 m");
    expect(sinceStart(at(0), "bad")).toBe("");
  });

  it("validates notes", () => {
    expect(validateNote("  ")).toMatch(/Write something/);
    expect(validateNote("x".repeat(4001))).toMatch(/At most 4000/);
    expect(validateNote("restarted the container by hand")).toBeNull();
  });

  it("reads details as named fields only when they are an object", () => {
    expect(detailsOf(e(1, 0, { details: { attempt: 2 } }))).toEqual({ attempt: 2 });
    expect(detailsOf(e(1, 0, { details: [1] }))).toBeNull();
    expect(detailsOf(e(1, 0, { details: "text" }))).toBeNull();
    expect(detailsOf(e(1, 0))).toBeNull();
  });
});
