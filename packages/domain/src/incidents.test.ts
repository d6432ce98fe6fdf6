import { describe, expect, it } from "vitest";
import { MTTR_TARGET_MS, canTransition, mttd, mttr, severityForOutage } from "./incidents.ts";

describe("incident rules", () => {
  it("severity: a service is P1, an agent among others down P2, one agent P3", () => {
    expect(severityForOutage("service", 0)).toBe("P1");
    expect(severityForOutage("service", 5)).toBe("P1");
    expect(severityForOutage("agent", 1)).toBe("P2");
    expect(severityForOutage("agent", 0)).toBe("P3");
  });
  it("MTTR targets: P1 4 h, P2 8 h, P3 24 h, P4 none", () => {
    expect(MTTR_TARGET_MS).toEqual({ P1: 14_400_000, P2: 28_800_000, P3: 86_400_000, P4: null });
  });
  it("MTTD and MTTR from the failure's start", () => {
    expect(mttd(1000, 31_000)).toBe(30_000);
    expect(mttd(5000, 1000)).toBe(0);
    expect(mttr(1000, 61_000)).toBe(60_000);
    expect(mttr(1000, null)).toBeNull();
  });
  it("transitions: acknowledge only from open, resolved is final", () => {
    expect(canTransition("open", "acknowledged")).toBe(true);
    expect(canTransition("acknowledged", "acknowledged")).toBe(false);
    expect(canTransition("acknowledged", "resolved")).toBe(true);
    expect(canTransition("open", "mitigated")).toBe(true);
    expect(canTransition("resolved", "open")).toBe(false);
    expect(canTransition("resolved", "resolved")).toBe(false);
  });
});
