import { CATEGORIES, type Category, type ChangePayload, type Tally, type Threshold } from "@ops/contract";
import type { Thresholds } from "./status.ts";

/**
 * Governance (SPEC §7): categories, exact quorum arithmetic, when a proposal is decided, and the changes a
 * passed proposal may carry. Pure: the store and the clock are the caller's. The values (categories,
 * thresholds, choices, outcomes, metrics) and the change payload are the contract's (@ops/contract).
 */

export { CATEGORIES, CHOICES, OUTCOMES, THRESHOLDS, THRESHOLD_METRICS } from "@ops/contract";
export type { Category, ChangePayload, Choice, Outcome, Tally, Threshold, ThresholdMetric } from "@ops/contract";

/**
 * Thresholds are fractions of the eligible voters, compared in integers: simple majority 2·yes > eligible,
 * supermajority 3·yes ≥ 2·eligible, unanimity yes = eligible. Abstentions and members who do not vote count
 * as not-yes: they make passing harder, exactly as a "no" would, but are reported separately.
 */
export function meetsThreshold(threshold: Threshold, yes: number, eligible: number): boolean {
  if (eligible <= 0) return false;
  switch (threshold) {
    case "simple":
      return 2 * yes > eligible;
    case "supermajority":
      return 3 * yes >= 2 * eligible;
    case "unanimous":
      return yes === eligible;
  }
}

/** The smallest number of yes votes that passes, for "needs 3 of 5" in the interface. */
export function yesNeeded(threshold: Threshold, eligible: number): number {
  for (let y = 0; y <= eligible; y++) if (meetsThreshold(threshold, y, eligible)) return y;
  return eligible + 1;
}

/**
 * Participation quorum as a fraction of the eligible voters (0 = none). Compared exactly: the fraction is
 * taken to thousandths, so 0.5 of 3 needs 2 ballots (1.5 rounded up), never a float comparison.
 */
export function meetsParticipation(quorum: number, ballots: number, eligible: number): boolean {
  const milli = Math.round(quorum * 1000);
  return ballots * 1000 >= milli * eligible;
}

export type Decision = { decided: false; reason: string } | { decided: true; outcome: "passed" | "rejected" | "expired"; reason: string };

export type ProposalState = {
  threshold: Threshold;
  tally: Tally;
  reviewsRequired: readonly string[];
  /** Duties whose review approved; a review that rejects is listed in `reviewsRejected`. */
  reviewsApproved: readonly string[];
  reviewsRejected: readonly string[];
  participationQuorum: number;
};

function verdict(s: ProposalState): { outcome: "passed" | "rejected" | "expired"; reason: string } {
  const { yes, no, abstain, eligible } = s.tally;
  const ballots = yes + no + abstain;
  if (!meetsParticipation(s.participationQuorum, ballots, eligible)) {
    return { outcome: "expired", reason: `${ballots} of ${eligible} members voted; the participation quorum is ${Math.round(s.participationQuorum * 100)} %` };
  }
  const rejectedBy = s.reviewsRequired.filter((d) => s.reviewsRejected.includes(d));
  if (rejectedBy.length) return { outcome: "rejected", reason: `the required ${rejectedBy.join(" and ")} review rejected it` };
  if (!meetsThreshold(s.threshold, yes, eligible)) {
    return { outcome: "rejected", reason: `${yes} yes of ${eligible} eligible; ${s.threshold} needs ${yesNeeded(s.threshold, eligible)}` };
  }
  const missing = s.reviewsRequired.filter((d) => !s.reviewsApproved.includes(d));
  if (missing.length)
    return { outcome: "rejected", reason: `${yes} yes of ${eligible} passes the vote, but the required ${missing.join(" and ")} approval was not given` };
  return { outcome: "passed", reason: `${yes} yes of ${eligible} eligible (${s.threshold} needs ${yesNeeded(s.threshold, eligible)})` };
}

/** At the deadline: the outcome from the ballots and reviews as they stand. */
export function decideAtDeadline(s: ProposalState): Decision {
  return { decided: true, ...verdict(s) };
}

/**
 * Before the deadline a proposal is decided only when nothing can change it any more. Members may change
 * their ballot until the close, so that is when every eligible member has voted and no required review is
 * still awaited (a missing review could still turn a passing vote into a pass). A rejecting review decides
 * at once: it can only be withdrawn by a new proposal.
 */
export function decideEarly(s: ProposalState): Decision {
  const { yes, no, abstain, eligible } = s.tally;
  if (s.reviewsRequired.some((d) => s.reviewsRejected.includes(d))) return { decided: true, ...verdict(s) };
  if (yes + no + abstain < eligible) return { decided: false, reason: `${eligible - (yes + no + abstain)} member(s) have not voted` };
  const awaited = s.reviewsRequired.filter((d) => !s.reviewsApproved.includes(d));
  if (awaited.length && meetsThreshold(s.threshold, yes, eligible)) return { decided: false, reason: `waiting for the ${awaited.join(" and ")} review` };
  return { decided: true, ...verdict(s) };
}

// ---------------------------------------------------------------------------------------------------------
// Changes a proposal can carry, and the category each kind of change belongs to (SPEC §7).

/** The category a kind of change belongs to, from the rules' `appliesTo`; null when no category lists it. */
export function categoryFor(kind: string, categories: Record<Category, { appliesTo: readonly string[] }>): Category | null {
  for (const c of CATEGORIES) if (categories[c].appliesTo.includes(kind)) return c;
  return null;
}

/** A threshold change must keep warning below critical; returns the new thresholds or why not. */
export function applyThresholdChange(
  current: Thresholds,
  change: Extract<ChangePayload, { kind: "monitoring-threshold" }>,
): { ok: true; value: Thresholds } | { ok: false; reason: string } {
  const next = { ...current, [change.metric]: { ...current[change.metric], [change.level]: change.value } };
  const t = next[change.metric];
  if (!(t.warning < t.critical)) return { ok: false, reason: `${change.metric}: warning ${t.warning} must stay below critical ${t.critical}` };
  if (change.metric !== "responseTimeMs" && (change.value <= 0 || change.value > 100))
    return { ok: false, reason: `${change.metric} must be a percentage above 0 and at most 100` };
  if (change.value <= 0) return { ok: false, reason: `${change.metric} must be positive` };
  return { ok: true, value: next };
}
