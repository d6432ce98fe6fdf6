import type {
  BallotView,
  Category,
  ChangePayload,
  Choice,
  GovernanceEvent,
  Outcome,
  ProposalStatus,
  ProposalSummary,
  ProposalView,
  ReviewView,
  Tally,
  Threshold,
  ThresholdMetric,
} from "@ops/contract";
import { num, record, str, strings, text } from "../../lib/parse.ts";

// The shapes the API answers with are in @ops/contract (shared with packages/core); the lists below are
// the values the views offer and check against, and must stay within those types.
export type { Category, Choice, GovernanceEvent, Outcome, ProposalMe, ProposalStatus, ProposalSummary, Tally, Threshold, ThresholdMetric } from "@ops/contract";

export const CATEGORIES = ["operational", "tactical", "strategic", "emergency"] as const satisfies readonly Category[];
export const THRESHOLDS = ["simple", "supermajority", "unanimous"] as const satisfies readonly Threshold[];
export const CHOICES = ["yes", "no", "abstain"] as const satisfies readonly Choice[];
export const OUTCOMES = ["passed", "rejected", "expired", "withdrawn"] as const satisfies readonly Outcome[];
export const PROPOSAL_STATUSES = ["open", "closed"] as const satisfies readonly ProposalStatus[];
export const THRESHOLD_METRICS = ["cpuPercent", "memoryPercent", "diskPercent", "responseTimeMs"] as const satisfies readonly ThresholdMetric[];
export const LEVELS = ["warning", "critical"] as const;
export const MEMBER_ACTIONS = ["add", "remove"] as const;
export const CHANGE_KINDS = ["monitoring-threshold", "auto-heal-toggle", "member-change"] as const satisfies readonly ChangePayload["kind"][];

export type Level = (typeof LEVELS)[number];
export type MemberAction = (typeof MEMBER_ACTIONS)[number];
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** What a passed proposal changes (the API's `ChangePayload`). */
export type Change = ChangePayload;

export type Ballot = BallotView;
export type Verdict = ReviewView["verdict"];
export type Review = ReviewView;

export type Proposal = ProposalView & {
  /** The server's clock minus the browser's when the answer came (ms): countdowns run on the server's clock; web-only. */
  clockOffsetMs: number;
};

export type CategoryRule = { threshold: Threshold; timeoutMinutes: number; requires: string[]; description: string; appliesTo: string[] };

export type GovernanceRules = {
  categories: Record<Category, CategoryRule>;
  reviewers: Record<string, string>;
  eligible: string[];
  ballotsVisible: boolean;
  participationQuorum: number;
  me: { member: string | null; eligible: boolean; duties: string[] };
};

export type ProposalFilter = { status?: ProposalStatus };

export type NewProposalBody = { title: string; description: string; category?: Category; change?: Change };

const oneOf =
  <T extends string>(values: readonly T[]) =>
  (v: unknown): v is T =>
    typeof v === "string" && (values as readonly string[]).includes(v);

export const isCategory = oneOf(CATEGORIES);
export const isThreshold = oneOf(THRESHOLDS);
export const isChoice = oneOf(CHOICES);
export const isOutcome = oneOf(OUTCOMES);
export const isProposalStatus = oneOf(PROPOSAL_STATUSES);
export const isThresholdMetric = oneOf(THRESHOLD_METRICS);
export const isChangeKind = oneOf(CHANGE_KINDS);

const int = (v: unknown): number => Math.max(0, Math.trunc(num(v) ?? 0));

/** A change the views can describe; null for none and for kinds this dashboard does not know. */
export function normalizeChange(raw: unknown): Change | null {
  const c = record(raw);
  switch (c.kind) {
    case "monitoring-threshold":
      return isThresholdMetric(c.metric) ? { kind: c.kind, metric: c.metric, level: c.level === "critical" ? "critical" : "warning", value: num(c.value) ?? 0 } : null;
    case "auto-heal-toggle":
      return { kind: c.kind, target: text(c.target), enabled: c.enabled === true };
    case "member-change":
      return { kind: c.kind, action: c.action === "remove" ? "remove" : "add", member: text(c.member) };
    default:
      return null;
  }
}

function normalizeTally(raw: unknown): Tally {
  const t = record(raw);
  return { yes: int(t.yes), no: int(t.no), abstain: int(t.abstain), eligible: int(t.eligible) };
}

/** Fills what a partial payload (a frame, an older API) leaves out, so the views never crash on a missing field. */
export function normalizeProposalSummary(raw: unknown): ProposalSummary {
  const p = record(raw);
  const openedAt = str(p.openedAt) ?? new Date(0).toISOString();
  return {
    id: num(p.id) ?? 0,
    title: str(p.title) ?? "(untitled)",
    author: str(p.author) ?? "unknown",
    change: normalizeChange(p.change),
    category: isCategory(p.category) ? p.category : "operational",
    threshold: isThreshold(p.threshold) ? p.threshold : "simple",
    requires: strings(p.requires),
    yesNeeded: int(p.yesNeeded),
    tally: normalizeTally(p.tally),
    reviewsDone: strings(p.reviewsDone),
    status: p.status === "closed" ? "closed" : "open",
    openedAt,
    deadline: str(p.deadline) ?? openedAt,
    closedAt: str(p.closedAt),
    outcome: isOutcome(p.outcome) ? p.outcome : null,
    outcomeReason: str(p.outcomeReason),
    applyStatus: p.applyStatus === "applied" || p.applyStatus === "failed" ? p.applyStatus : null,
    applyReason: str(p.applyReason),
  };
}

function normalizeBallot(raw: unknown): Ballot {
  const b = record(raw);
  return { member: text(b.member), choice: isChoice(b.choice) ? b.choice : null, castAt: text(b.castAt), changes: int(b.changes) };
}

function normalizeReview(raw: unknown): Review {
  const r = record(raw);
  return { duty: text(r.duty), member: text(r.member), verdict: r.verdict === "reject" ? "reject" : "approve", note: text(r.note), at: text(r.at) };
}

const list = <T>(v: unknown, f: (x: unknown) => T): T[] => (Array.isArray(v) ? v.map(f) : []);

/** A proposal with its ballots; `receivedAt` is the browser's clock when the answer came, for the clock offset. */
export function normalizeProposal(raw: unknown, receivedAt: number): Proposal {
  const p = record(raw);
  const me = record(p.me);
  const serverTime = str(p.serverTime) ?? new Date(receivedAt).toISOString();
  const server = Date.parse(serverTime);
  return {
    ...normalizeProposalSummary(raw),
    description: text(p.description),
    serverTime,
    clockOffsetMs: Number.isNaN(server) ? 0 : server - receivedAt,
    me: { member: str(me.member), eligible: me.eligible === true, ballot: isChoice(me.ballot) ? me.ballot : null, duties: strings(me.duties) },
    eligible: strings(p.eligible),
    voted: strings(p.voted),
    ballots: list(p.ballots, normalizeBallot).filter((b) => b.member !== ""),
    ballotsVisible: p.ballotsVisible === true,
    participationQuorum: num(p.participationQuorum) ?? 0,
    reviews: list(p.reviews, normalizeReview).filter((r) => r.duty !== ""),
    appliedAt: str(p.appliedAt),
  };
}

function normalizeRule(raw: unknown): CategoryRule {
  const r = record(raw);
  return {
    threshold: isThreshold(r.threshold) ? r.threshold : "simple",
    timeoutMinutes: num(r.timeoutMinutes) ?? 0,
    requires: strings(r.requires),
    description: text(r.description),
    appliesTo: strings(r.appliesTo),
  };
}

export function normalizeRules(raw: unknown): GovernanceRules {
  const g = record(raw);
  const cats = record(g.categories);
  const me = record(g.me);
  const reviewers: Record<string, string> = {};
  for (const [duty, who] of Object.entries(record(g.reviewers))) if (typeof who === "string") reviewers[duty] = who;
  return {
    categories: Object.fromEntries(CATEGORIES.map((c) => [c, normalizeRule(cats[c])])) as Record<Category, CategoryRule>,
    reviewers,
    eligible: strings(g.eligible),
    ballotsVisible: g.ballotsVisible === true,
    participationQuorum: num(g.participationQuorum) ?? 0,
    me: { member: str(me.member), eligible: me.eligible === true, duties: strings(me.duties) },
  };
}

export function normalizeEvent(raw: unknown): GovernanceEvent {
  const { id, proposalId, at, kind, member, actor, details } = record(raw);
  return { id: num(id) ?? 0, proposalId: num(proposalId), at: text(at), kind: str(kind) ?? "unknown", member: str(member), actor: text(actor), details: details ?? null };
}
