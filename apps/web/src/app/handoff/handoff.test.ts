import { describe, expect, it } from "vitest";
import { affectsHandoff, countText, normalizeHandoff, tickChecklist } from "./handoff.ts";

describe("the handoff", () => {
  it("normalizes the answer, dropping what cannot be shown", () => {
    const h = normalizeHandoff({
      openIncidents: [{ id: 3, title: "Steward down", severity: "P1" }, { title: "no id" }],
      learnings: [{ id: "OPS-1", priority: "critical" }, { id: "" }],
      restarts: [{ id: 1, target: "steward", attempt: 2, status: "failed", startedAt: "2026-11-23T14:00:00.000Z", reason: "down" }],
      checklist: [{ id: 5, kind: "handoff", title: "Watch the disk", learningId: "OPS-1" }],
      runs: [{ id: 9, status: "waiting" }, { id: "x" }],
    });
    expect(h.openIncidents.map((i) => i.key)).toEqual(["INC-3"]);
    expect(h.learnings.map((l) => l.id)).toEqual(["OPS-1"]);
    expect(h.restarts[0]).toEqual({ id: 1, target: "steward", attempt: 2, status: "failed", startedAt: "2026-11-23T14:00:00.000Z", reason: "down" });
    expect(h.checklist[0]).toMatchObject({ id: 5, title: "Watch the disk", done: false });
    expect(h.runs.map((r) => `${r.id}:${r.status}`)).toEqual(["9:waiting"]);
    expect(normalizeHandoff(null)).toEqual({ openIncidents: [], learnings: [], restarts: [], checklist: [], runs: [] });
  });

  it("keeps a ticked item in place until the next refresh", () => {
    const h = normalizeHandoff({ checklist: [{ id: 5, title: "a" }, { id: 6, title: "b" }] });
    const ticked = tickChecklist(h, { ...h.checklist[0]!, done: true });
    expect(ticked.checklist.map((p) => `${p.id}:${p.done}`)).toEqual(["5:true", "6:false"]);
  });

  it("knows which frames make it stale", () => {
    expect(affectsHandoff({ type: "incident.updated" })).toBe(true);
    expect(affectsHandoff({ type: "snapshot" })).toBe(true);
    expect(affectsHandoff({ type: "heartbeat" })).toBe(false);
    expect(countText(1, "open incident", "open incidents")).toBe("1 open incident");
    expect(countText(0, "open incident", "open incidents")).toBe("0 open incidents");
  });
});
