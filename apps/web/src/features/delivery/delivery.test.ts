import { describe, expect, it } from "vitest";
import type { Deployment, DoraPeriodView, ProposalSummary } from "@ops/contract";
import { bandText, changeRows, failureText, metricBasis, metricValue, trendRows, trendSummary, weekLabel } from "./delivery.ts";

const MIN = 60_000;

function period(patch: Partial<DoraPeriodView> = {}): DoraPeriodView {
  return {
    from: "2026-11-28T12:00:00.000Z",
    to: "2026-12-05T12:00:00.000Z",
    deploymentFrequency: { count: 4, perDay: 4 / 7, band: "high" },
    leadTime: { medianMs: 50 * MIN, count: 3, band: "elite" },
    changeFailureRate: { failed: 1, total: 4, rate: 0.25, band: "high", failedIds: ["deployment-2"] },
    timeToRestore: { medianMs: 20 * MIN, count: 1, band: "elite" },
    ...patch,
  };
}

function deployment(id: number, patch: Partial<Deployment> = {}): Deployment {
  return {
    id,
    service: "alpha",
    version: `1.${id}.0`,
    commitAt: "2026-12-04T10:00:00.000Z",
    deployedAt: `2026-12-04T1${id}:00:00.000Z`,
    result: "succeeded",
    source: "api",
    recordedBy: "ci",
    createdAt: `2026-12-04T1${id}:00:00.000Z`,
    ...patch,
  };
}

describe("the four keys in words", () => {
  it("values, what they come from, and the band's meaning", () => {
    const p = period();
    expect(metricValue(p, "deploymentFrequency")).toBe("4 a week");
    expect(metricValue(period({ deploymentFrequency: { count: 14, perDay: 2, band: "elite" } }), "deploymentFrequency")).toBe("2 a day");
    expect(metricValue(period({ deploymentFrequency: { count: 2, perDay: 2 / 30, band: "high" } }), "deploymentFrequency")).toBe("2 a month");
    expect(metricValue(p, "leadTime")).toBe("50 m");
    expect(metricValue(p, "changeFailureRate")).toBe("25 %");
    expect(metricValue(p, "timeToRestore")).toBe("20 m");
    expect(metricBasis(p, "changeFailureRate")).toBe("1 of 4 changes failed or led to an incident");
    expect(metricBasis(p, "deploymentFrequency")).toBe("4 changes shipped");
    expect(bandText("elite", "leadTime")).toBe("Elite: under an hour");
    expect(bandText("high", "changeFailureRate")).toBe("High: 30 % or less");
    expect(bandText(null, "timeToRestore")).toBe("No band: nothing to measure");
  });

  it("an empty period has dashes, not zeros", () => {
    const empty = period({
      deploymentFrequency: { count: 0, perDay: 0, band: "low" },
      leadTime: { medianMs: null, count: 0, band: null },
      changeFailureRate: { failed: 0, total: 0, rate: null, band: null, failedIds: [] },
      timeToRestore: { medianMs: null, count: 0, band: null },
    });
    expect(metricValue(empty, "deploymentFrequency")).toBe("0 a day");
    expect(metricValue(empty, "leadTime")).toBe("—");
    expect(metricValue(empty, "changeFailureRate")).toBe("—");
    expect(metricBasis(empty, "leadTime")).toBe("no change with a commit time");
  });
});

describe("the trend", () => {
  it("one row per week, hours and percentages, nulls kept", () => {
    const rows = trendRows([period({ from: "2026-11-21T12:00:00.000Z", leadTime: { medianMs: null, count: 0, band: null } }), period()]);
    expect(rows.map((r) => r.label)).toEqual(["21 Nov", "28 Nov"]);
    expect(rows[0]?.leadHours).toBeNull();
    expect(rows[1]?.leadHours).toBeCloseTo(50 / 60, 9);
    expect(rows[1]?.failurePercent).toBe(25);
    expect(trendSummary("CFR", rows, (r) => (r.failurePercent == null ? "none" : `${r.failurePercent} %`))).toBe(
      "CFR, week by week from 21 Nov: 21 Nov 25 %; 28 Nov 25 %.",
    );
    expect(weekLabel("2026-12-01T00:00:00.000Z")).toBe("1 Dec");
  });
});

describe("recent changes", () => {
  it("merges deploys and applied governance changes, newest first, and says which failed and why", () => {
    const proposals = [
      { id: 7, title: "Raise the latency warning", applyStatus: "applied", closedAt: "2026-12-04T18:00:00.000Z" },
      { id: 8, title: "Rejected", applyStatus: null, closedAt: "2026-12-04T19:00:00.000Z" },
    ] as unknown as ProposalSummary[];
    const rows = changeRows(
      [deployment(1), deployment(2), deployment(3, { result: "rolled_back" }), deployment(4, { source: "probe", commitAt: null })],
      proposals,
      new Set(["deployment-2", "deployment-3", "proposal-7"]),
    );
    expect(rows.map((r) => r.key)).toEqual(["proposal-7", "deployment-4", "deployment-3", "deployment-2", "deployment-1"]);
    expect(rows.map((r) => failureText(r))).toEqual(["Followed by an incident", "No", "Rolled back", "Followed by an incident", "No"]);
    expect(rows.map((r) => r.failed)).toEqual([true, false, true, true, false]);
    expect(rows[0]?.proposalId).toBe(7);
  });
});
