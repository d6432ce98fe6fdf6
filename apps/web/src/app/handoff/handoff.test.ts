import type { Handoff, PromotionView } from "@ops/contract";
import { describe, expect, it } from "vitest";
import { affectsHandoff, countText, tickChecklist } from "./handoff.ts";
import { frame } from "../../lib/frames.test-util.ts";

const item = (id: number, title: string): PromotionView => ({
  id,
  kind: "handoff",
  learningId: "OPS-20261123-001",
  title,
  body: "",
  payload: null,
  done: false,
  createdBy: "grace@example.com",
  createdAt: "2026-11-23T14:00:00.000Z",
  postmortemId: null,
});

describe("the handoff", () => {
  it("keeps a ticked item in place until the next refresh", () => {
    const h: Handoff = { openIncidents: [], learnings: [], restarts: [], checklist: [item(5, "a"), item(6, "b")], runs: [] };
    const ticked = tickChecklist(h, { ...h.checklist[0]!, done: true });
    expect(ticked.checklist.map((p) => `${p.id}:${p.done}`)).toEqual(["5:true", "6:false"]);
  });

  it("knows which frames make it stale", () => {
    expect(affectsHandoff(frame({ type: "incident.updated" }))).toBe(true);
    expect(affectsHandoff(frame({ type: "snapshot" }))).toBe(true);
    expect(affectsHandoff(frame({ type: "heartbeat" }))).toBe(false);
    expect(countText(1, "open incident", "open incidents")).toBe("1 open incident");
    expect(countText(0, "open incident", "open incidents")).toBe("0 open incidents");
  });
});
