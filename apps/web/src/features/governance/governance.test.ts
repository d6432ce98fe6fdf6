import { describe, expect, it } from "vitest";
import { at, NOW, proposal, summary } from "./fixtures.test-util.ts";
import {
  applyState,
  canWithdraw,
  categoryForKind,
  compareProposals,
  countdownText,
  describeChange,
  describeEvent,
  draftCategory,
  EMPTY_DRAFT,
  formatCountdown,
  inputOfField,
  mergeSummary,
  proposalBody,
  proposalFromFrame,
  proposalsQuery,
  remainingMs,
  reviewStates,
  reviewsText,
  ruleSummary,
  serverNowOf,
  tallyBars,
  tallyText,
  thresholdText,
  timeoutText,
  upsertProposal,
  voterRows,
  withClockOffset,
  yesNeeded,
} from "./governance.ts";
import { decisionLines } from "./governance.ts";
import type { Category, CategoryRule } from "@ops/contract";
import { frame } from "../../lib/frames.test-util.ts";

const RULES: Record<Category, Pick<CategoryRule, "appliesTo">> = {
  operational: { appliesTo: ["routine-decision", "monitoring-threshold", "auto-heal-toggle"] },
  tactical: { appliesTo: ["governance-change", "member-change"] },
  strategic: { appliesTo: ["identity"] },
  emergency: { appliesTo: ["emergency"] },
};

describe("the countdown", () => {
  const p = { status: "open" as const, openedAt: at(0), deadline: at(300_000) };

  it("counts down to the deadline on the server's clock", () => {
    // The browser is 2 minutes behind the server: the offset measured at the fetch puts it right.
    const fetched = { serverTime: at(0), clockOffsetMs: 120_000 };
    expect(serverNowOf(fetched, NOW - 120_000)).toBe(NOW);
    expect(countdownText(p, serverNowOf(fetched, NOW - 120_000))).toBe("5:00");
    expect(countdownText(p, serverNowOf(fetched, NOW - 119_000))).toBe("4:59");
    expect(countdownText(p, serverNowOf(fetched, NOW + 173_000))).toBe("0:07");
    expect(formatCountdown(remainingMs(p, NOW + 1))).toBe("5:00");
    expect(formatCountdown(remainingMs(p, NOW + 90_500))).toBe("3:30");
  });

  it("is never negative, never more than the proposal had, and reads closed once closed", () => {
    expect(remainingMs(p, NOW + 305_000)).toBe(0);
    expect(countdownText(p, NOW + 305_000)).toBe("0:00");
    expect(formatCountdown(-5000)).toBe("0:00");
    expect(remainingMs({ ...p, deadline: "garbage" }, NOW)).toBe(0);
    // A browser clock that lags (or a list without the server's time) cannot show 5:01 of a 5 min vote.
    expect(countdownText(p, NOW - 2000)).toBe("5:00");
    expect(serverNowOf({ serverTime: at(0), clockOffsetMs: 0 }, NOW - 900)).toBe(NOW);
    expect(countdownText({ ...p, status: "closed" }, NOW)).toBe("closed");
    expect(formatCountdown(75 * 60_000)).toBe("75:00");
  });

  it("takes the offset from serverTime against the browser's clock when the answer came", () => {
    const fetched = withClockOffset({ ...proposal(1), serverTime: at(2500) }, NOW);
    expect(fetched.clockOffsetMs).toBe(2500);
    expect(withClockOffset({ ...proposal(1), serverTime: "nonsense" }, NOW).clockOffsetMs).toBe(0);
  });
});

describe("thresholds and tallies", () => {
  it("computes the yes needed exactly as the API does", () => {
    expect([1, 2, 3, 4, 5, 6].map((e) => yesNeeded("simple", e))).toEqual([1, 2, 2, 3, 3, 4]);
    expect([1, 2, 3, 4, 5, 6].map((e) => yesNeeded("supermajority", e))).toEqual([1, 2, 2, 3, 4, 4]);
    expect([1, 3, 5].map((e) => yesNeeded("unanimous", e))).toEqual([1, 3, 5]);
    expect(yesNeeded("simple", 0)).toBe(1);
  });

  it("words the threshold and the tally", () => {
    expect(thresholdText("simple", 3, 5)).toBe("simple majority: needs 3 of 5 yes");
    expect(thresholdText("supermajority", 4, 5)).toBe("supermajority: needs 4 of 5 yes");
    expect(thresholdText("unanimous", 3, 3)).toBe("unanimous: needs 3 of 3 yes");
    expect(tallyText({ yes: 3, no: 1, abstain: 0, eligible: 5 })).toBe("3 yes · 1 no · 0 abstain of 5");
  });

  it("sizes the bars as shares of the eligible members and marks the yes needed", () => {
    const t = tallyBars({ yes: 2, no: 1, abstain: 1, eligible: 5 }, 3);
    expect(t.bars.yes).toEqual({ count: 2, percent: 40 });
    expect(t.bars.no).toEqual({ count: 1, percent: 20 });
    expect(t.bars.abstain).toEqual({ count: 1, percent: 20 });
    expect(t.bars.missing).toEqual({ count: 1, percent: 20 });
    expect(t.neededAt).toBe(60);
    expect(tallyBars({ yes: 1, no: 0, abstain: 0, eligible: 3 }, 2).bars.yes.percent).toBe(33.3);
    const empty = tallyBars({ yes: 0, no: 0, abstain: 0, eligible: 0 }, 1);
    expect(empty.bars.missing).toEqual({ count: 0, percent: 0 });
    expect(empty.neededAt).toBe(100);
    // A tally over the eligible (never from the API) stays inside the bar.
    expect(tallyBars({ yes: 7, no: 0, abstain: 0, eligible: 5 }, 3).bars.yes.percent).toBe(100);
  });
});

describe("rules in words", () => {
  it("summarizes a category", () => {
    expect(ruleSummary("operational", { threshold: "simple", timeoutMinutes: 5, requires: [] })).toBe(
      "Operational · simple majority · 5 min · needs no review",
    );
    expect(ruleSummary("tactical", { threshold: "supermajority", timeoutMinutes: 10, requires: ["examiner"] })).toBe(
      "Tactical · supermajority · 10 min · needs examiner review",
    );
    expect(reviewsText(["examiner", "sentinel"])).toBe("needs examiner and sentinel review");
    expect(timeoutText(0.5)).toBe("30 s");
    expect(timeoutText(1)).toBe("1 min");
    expect(timeoutText(90)).toBe("90 min");
    expect(timeoutText(360)).toBe("6 h");
    expect(timeoutText(1440)).toBe("1 d");
  });

  it("finds the category of a kind of change from appliesTo", () => {
    expect(categoryForKind("monitoring-threshold", RULES)).toBe("operational");
    expect(categoryForKind("member-change", RULES)).toBe("tactical");
    expect(categoryForKind("nothing-lists-this", RULES)).toBeNull();
    expect(categoryForKind("member-change", undefined)).toBeNull();
  });
});

describe("changes", () => {
  it("describes a change in words", () => {
    expect(describeChange({ kind: "monitoring-threshold", metric: "memoryPercent", level: "warning", value: 5 })).toBe("memory warning threshold → 5 %");
    expect(describeChange({ kind: "monitoring-threshold", metric: "responseTimeMs", level: "critical", value: 800 })).toBe(
      "response time critical threshold → 800 ms",
    );
    expect(describeChange({ kind: "auto-heal-toggle", target: "steward", enabled: false })).toBe("auto-heal for steward → off");
    expect(describeChange({ kind: "member-change", action: "add", member: "delta" })).toBe("add member delta");
    expect(describeChange(null)).toBe("no change: a decision only");
  });

  it("says whether the change was applied, may be, or never will be", () => {
    const change = summary(1).change;
    expect(applyState({ change, status: "open", outcome: null, applyStatus: null })).toBe("pending");
    expect(applyState({ change, status: "closed", outcome: "passed", applyStatus: "applied" })).toBe("applied");
    expect(applyState({ change, status: "closed", outcome: "passed", applyStatus: "failed" })).toBe("failed");
    expect(applyState({ change, status: "closed", outcome: "rejected", applyStatus: null })).toBe("none");
    expect(applyState({ change: null, status: "open", outcome: null, applyStatus: null })).toBe("none");
  });
});

describe("ballots, reviews and withdrawing", () => {
  it("lists every eligible member with their ballot, hidden ones as voted without a choice", () => {
    const p = proposal(1, {
      voted: ["alpha", "beta"],
      ballots: [
        { member: "alpha", choice: "yes", castAt: at(0), changes: 1 },
        { member: "beta", choice: null, castAt: at(0), changes: 0 },
      ],
    });
    const rows = voterRows(p);
    expect(rows.map((r) => `${r.member}:${r.voted}:${r.choice ?? ""}`)).toEqual([
      "alpha:true:yes",
      "beta:true:",
      "charlie:false:",
      "ada@x.local:false:",
      "grace@x.local:false:",
    ]);
    expect(rows.find((r) => r.member === "ada@x.local")?.me).toBe(true);
    expect(rows[0]?.changes).toBe(1);
  });

  it("gives each required review its state", () => {
    const p = proposal(1, {
      requires: ["examiner", "sentinel"],
      reviews: [{ duty: "examiner", member: "examiner", verdict: "reject", note: "too risky", at: at(0) }],
    });
    expect(reviewStates(p).map((r) => `${r.duty}:${r.state}`)).toEqual(["examiner:reject", "sentinel:awaited"]);
    expect(reviewStates(proposal(1)).length).toBe(0);
  });

  it("lets the author or an admin withdraw an open proposal", () => {
    const user = { email: "Ada@x.local", roles: ["governance"] };
    expect(canWithdraw(summary(1), user, true)).toBe(true);
    expect(canWithdraw(summary(1), user, false)).toBe(false);
    expect(canWithdraw(summary(1, { status: "closed" }), user, true)).toBe(false);
    expect(canWithdraw(summary(1, { author: "grace@x.local" }), user, true)).toBe(false);
    expect(canWithdraw(summary(1, { author: "grace@x.local" }), { email: "root@x.local", roles: ["admin"] }, true)).toBe(true);
  });
});

describe("the governance log in words", () => {
  it("describes each kind of entry", () => {
    const e = (kind: string, details: unknown, member: string | null = "alpha", actor = "alpha") => describeEvent({ kind, details, member, actor });
    expect(
      e(
        "opened",
        { category: "operational", eligible: ["a", "b", "c"], change: { kind: "monitoring-threshold", metric: "cpuPercent", level: "critical", value: 95 } },
        "ada@x.local",
        "ada@x.local",
      ),
    ).toBe("opened as operational, 3 eligible; change: CPU critical threshold → 95 %");
    expect(e("voted", { choice: "yes" })).toBe("voted yes");
    expect(e("voted", { choice: "no" }, "alpha", "token alpha")).toBe("voted no (by token alpha)");
    expect(e("changed-vote", { from: "yes", to: "abstain" })).toBe("changed vote from yes to abstain");
    expect(e("reviewed", { duty: "examiner", verdict: "approve", note: "fine" })).toBe("examiner review: approved — “fine”");
    expect(e("closed", { outcome: "passed", reason: "3 yes of 5 eligible", atDeadline: false }, null, "governance")).toBe(
      "closed: passed — 3 yes of 5 eligible (early)",
    );
    expect(e("apply-failed", { reason: "steward is no longer a monitored target" }, null, "proposal #4")).toBe(
      "could not apply: steward is no longer a monitored target",
    );
    expect(e("withdrawn", null, "ada@x.local", "ada@x.local")).toBe("withdrawn by ada@x.local");
    expect(e("something-new", { a: 1 })).toBe('something-new: {"a":1}');
  });
});

describe("the new-proposal form", () => {
  it("builds the body: a change leaves the category to the server unless it is an emergency", () => {
    expect(proposalBody({ ...EMPTY_DRAFT, title: "  Decide  ", description: "x", category: "strategic" })).toEqual({
      body: { title: "Decide", description: "x", category: "strategic" },
    });
    const threshold = { ...EMPTY_DRAFT, title: "Lower it", kind: "monitoring-threshold" as const, metric: "memoryPercent" as const, value: "5" };
    expect(proposalBody(threshold)).toEqual({
      body: { title: "Lower it", description: "", change: { kind: "monitoring-threshold", metric: "memoryPercent", level: "warning", value: 5 } },
    });
    expect(proposalBody({ ...threshold, emergency: true })).toMatchObject({ body: { category: "emergency" } });
    expect(proposalBody({ ...EMPTY_DRAFT, title: "x", kind: "auto-heal-toggle", target: "steward", enabled: true })).toMatchObject({
      body: { change: { kind: "auto-heal-toggle", target: "steward", enabled: true } },
    });
    expect(proposalBody({ ...EMPTY_DRAFT, title: "x", kind: "member-change", action: "remove", member: " beta " })).toMatchObject({
      body: { change: { kind: "member-change", action: "remove", member: "beta" } },
    });
  });

  it("says what is missing, on which field", () => {
    expect(proposalBody({ ...EMPTY_DRAFT, title: " " })).toEqual({ error: { field: "title", message: "Give the proposal a title." } });
    expect(proposalBody({ ...EMPTY_DRAFT, title: "x", kind: "monitoring-threshold", value: "" })).toMatchObject({ error: { field: "change.value" } });
    expect(proposalBody({ ...EMPTY_DRAFT, title: "x", kind: "monitoring-threshold", value: "120" })).toMatchObject({ error: { field: "change.value" } });
    expect(proposalBody({ ...EMPTY_DRAFT, title: "x", kind: "monitoring-threshold", metric: "responseTimeMs", value: "1200" })).toMatchObject({
      body: { change: { value: 1200 } },
    });
    expect(proposalBody({ ...EMPTY_DRAFT, title: "x", kind: "auto-heal-toggle" })).toMatchObject({ error: { field: "change.target" } });
    expect(proposalBody({ ...EMPTY_DRAFT, title: "x", kind: "member-change" })).toMatchObject({ error: { field: "change.member" } });
  });

  it("shows the category the change decides, or the chosen one", () => {
    expect(draftCategory({ ...EMPTY_DRAFT, category: "strategic" }, RULES)).toBe("strategic");
    expect(draftCategory({ ...EMPTY_DRAFT, kind: "member-change" }, RULES)).toBe("tactical");
    expect(draftCategory({ ...EMPTY_DRAFT, kind: "member-change", emergency: true }, RULES)).toBe("emergency");
    expect(draftCategory({ ...EMPTY_DRAFT, kind: "auto-heal-toggle" }, undefined)).toBeNull();
  });

  it("maps API error fields to the inputs", () => {
    expect(inputOfField("change.target")).toBe("prop-target");
    expect(inputOfField("category")).toBe("prop-category");
    expect(inputOfField("change.member")).toBe("prop-member");
    expect(inputOfField("id")).toBeNull();
    expect(inputOfField(undefined)).toBeNull();
  });
});

describe("lists and frames", () => {
  it("builds the list query", () => {
    expect(proposalsQuery({})).toBe("limit=50");
    expect(proposalsQuery({ status: "open" }, 10)).toBe("status=open&limit=10");
  });

  it("orders open first by deadline, then closed newest first", () => {
    const list = [summary(3, { status: "closed" }), summary(1, { deadline: at(9000) }), summary(5, { status: "closed" }), summary(2, { deadline: at(1000) })];
    expect([...list].sort(compareProposals).map((p) => p.id)).toEqual([2, 1, 5, 3]);
  });

  it("moves, adds and drops a proposal in a cached list", () => {
    const list = [summary(2, { deadline: at(1000) }), summary(1, { deadline: at(2000) }), summary(0, { status: "closed" })];
    const closed = summary(2, { status: "closed", outcome: "passed" });
    expect(upsertProposal(list, closed, {}).map((p) => `${p.id}:${p.status}`)).toEqual(["1:open", "2:closed", "0:closed"]);
    expect(upsertProposal(list, closed, { status: "open" }).map((p) => p.id)).toEqual([1, 0]);
    expect(upsertProposal(list, summary(9, { deadline: at(1500) }), { status: "open" }).map((p) => p.id)).toEqual([2, 9, 1, 0]);
    expect(upsertProposal(list, summary(9, { deadline: at(1500) }), {}, 2).map((p) => p.id)).toEqual([2, 9]);
    expect(upsertProposal(list, summary(8, { status: "closed" }), { status: "open" })).toEqual(list);
  });

  it("reads the summary in a frame and merges it into a detail, keeping the ballots and the clock offset", () => {
    expect(proposalFromFrame(frame({ type: "incident.updated", proposal: summary(1) }))).toBeNull();
    const read = proposalFromFrame({
      type: "proposal.updated",
      proposal: { ...summary(4), tally: { yes: 3, no: 1, abstain: 0, eligible: 5 }, status: "closed", outcome: "passed" },
    });
    expect(read?.tally.yes).toBe(3);
    const merged = mergeSummary(proposal(4, { clockOffsetMs: 700 }), read!);
    expect(merged.status).toBe("closed");
    expect(merged.outcome).toBe("passed");
    expect(merged.tally).toEqual({ yes: 3, no: 1, abstain: 0, eligible: 5 });
    expect(merged.ballots.length).toBe(1);
    expect(merged.clockOffsetMs).toBe(700);
    expect(merged.description).toBe("Lower the **memory** warning.");
  });
});

describe("decisionLines: who decides a new proposal, before it is opened", () => {
  const rule = { threshold: "simple" as const, timeoutMinutes: 1440, requires: [] as string[] };
  it("names the eligible members and the yes votes needed (two people and three triad agents: 3 of 5)", () => {
    const lines = decisionLines(rule, ["alice", "bob", "triad-a", "triad-b", "triad-c"], 0);
    expect(lines.who).toBe("5 eligible members vote: alice, bob, triad-a, triad-b and triad-c.");
    expect(lines.passes).toBe("Passes with 3 of 5 yes (simple majority); abstaining or not voting counts as not yes.");
    expect(lines.closes).toBe("Closes 1 d after opening, or early once all 5 have voted; members may change their vote until then.");
  });
  it("adds the participation quorum and the reviews, and says a rejecting review closes it", () => {
    const lines = decisionLines({ threshold: "supermajority", timeoutMinutes: 60, requires: ["examiner"] }, ["a", "b", "c"], 0.5);
    expect(lines.passes).toBe(
      "Passes with 2 of 3 yes (supermajority), with at least 2 of 3 voting and the examiner review approving; abstaining or not voting counts as not yes.",
    );
    expect(lines.closes).toContain("once all 3 have voted and the examiner review is in, or at once if a required review rejects it");
  });
  it("says plainly when nobody can vote", () => {
    expect(decisionLines(rule, [], 0)).toMatchObject({ who: "No member is eligible to vote now: it cannot pass.", passes: "" });
  });
});
