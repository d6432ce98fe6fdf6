import { CATEGORIES, Category, ChangePayload } from "@ops/contract";
import type {
  CategoryRule,
  ChangeKind,
  ChangeLevel,
  Choice,
  GovernanceEvent,
  MemberAction,
  NewProposalBody,
  Outcome,
  ProposalSummary,
  ProposalView,
  ProposalsQuery,
  Tally,
  Threshold,
  ThresholdMetric,
  Verdict,
} from "@ops/contract";
import type { ServerFrame } from "@ops/contract";
import { yesNeeded } from "@ops/domain/governance";
import { record, str, text } from "../../lib/parse.ts";

/** A proposal as the pages hold it: the API's answer and, web-only, the clock offset measured when it came. */
export type Proposal = ProposalView & {
  /** The server's clock minus the browser's when the answer came (ms): countdowns run on the server's clock. */
  clockOffsetMs: number;
};

/** An answer's proposal with its clock offset: `serverTime` against `receivedAt`, the browser's clock when it came. */
export function withClockOffset(p: ProposalView, receivedAt: number): Proposal {
  const server = Date.parse(p.serverTime);
  return { ...p, clockOffsetMs: Number.isNaN(server) ? 0 : server - receivedAt };
}

/** What the proposal lists filter on. */
export type ProposalFilter = Pick<ProposalsQuery, "status">;

export const PAGE_SIZE = 50;

// ---------------------------------------------------------------------------------------------------------
// Words

export const CATEGORY_LABEL: Record<Category, string> = { operational: "Operational", tactical: "Tactical", strategic: "Strategic", emergency: "Emergency" };

export const THRESHOLD_LABEL: Record<Threshold, string> = { simple: "simple majority", supermajority: "supermajority", unanimous: "unanimous" };

export const CHOICE_LABEL: Record<Choice, string> = { yes: "Yes", no: "No", abstain: "Abstain" };

export const OUTCOME_LABEL: Record<Outcome, string> = { passed: "passed", rejected: "rejected", expired: "expired", withdrawn: "withdrawn" };

export const METRIC_LABEL: Record<ThresholdMetric, string> = {
  cpuPercent: "CPU",
  memoryPercent: "memory",
  diskPercent: "disk",
  responseTimeMs: "response time",
};

export const LEVEL_LABEL: Record<ChangeLevel, string> = { warning: "warning", critical: "critical" };

export const MEMBER_ACTION_LABEL: Record<MemberAction, string> = { add: "Add a member", remove: "Remove a member" };

export const CHANGE_KIND_LABEL: Record<ChangeKind | "none", string> = {
  none: "No change (a decision only)",
  "monitoring-threshold": "Monitoring threshold",
  "auto-heal-toggle": "Auto-heal on or off",
  "member-change": "Add or remove a member",
};

/** "%" for the percentages, "ms" for the response time. */
export function metricUnit(metric: ThresholdMetric): string {
  return metric === "responseTimeMs" ? "ms" : "%";
}

/** "5 min", "30 s" for a fraction of a minute, "6 h" and "1 d" for whole hours and days from two hours on. */
export function timeoutText(minutes: number): string {
  if (minutes > 0 && minutes < 1) return `${Math.round(minutes * 60)} s`;
  if (minutes >= 120 && minutes % 60 === 0) return minutes % 1440 === 0 ? `${minutes / 1440} d` : `${minutes / 60} h`;
  return `${Math.round(minutes * 100) / 100} min`;
}

/** "examiner", "examiner and sentinel", "a, b and c". */
export function andList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** "needs no review", "needs examiner review". */
export function reviewsText(requires: readonly string[]): string {
  return requires.length === 0 ? "needs no review" : `needs ${andList(requires)} review`;
}

/** "Operational · simple majority · 5 min · needs no review": what opening in a category means. */
export function ruleSummary(category: Category, rule: Pick<CategoryRule, "threshold" | "timeoutMinutes" | "requires">): string {
  return [CATEGORY_LABEL[category], THRESHOLD_LABEL[rule.threshold], timeoutText(rule.timeoutMinutes), reviewsText(rule.requires)].join(" · ");
}

// ---------------------------------------------------------------------------------------------------------
// Thresholds and tallies

// The quorum arithmetic is the API's own (@ops/domain/governance), so "needs 3 of 5" here is what decides there.
export { yesNeeded };

/** "simple majority: needs 3 of 5 yes". */
export function thresholdText(threshold: Threshold, needed: number, eligible: number): string {
  return `${THRESHOLD_LABEL[threshold]}: needs ${needed} of ${eligible} yes`;
}

/**
 * Who decides a new proposal and how, before it is opened (issue 17, item 6): the members eligible now, the yes votes it
 * needs, the participation quorum and reviews, and when it can close before its deadline.
 */
export function decisionLines(
  rule: Pick<CategoryRule, "threshold" | "timeoutMinutes" | "requires">,
  eligible: readonly string[],
  participationQuorum: number,
): { who: string; passes: string; closes: string } {
  const n = eligible.length;
  const needed = yesNeeded(rule.threshold, n);
  const who = n === 0 ? "No member is eligible to vote now: it cannot pass." : `${n} eligible member${n === 1 ? "" : "s"} vote: ${andList(eligible)}.`;
  const quorum = participationQuorum > 0 ? `, with at least ${Math.ceil((Math.round(participationQuorum * 1000) * n) / 1000)} of ${n} voting` : "";
  const reviews = rule.requires.length ? ` and the ${andList(rule.requires)} review approving` : "";
  const passes =
    n === 0 ? "" : `Passes with ${needed} of ${n} yes (${THRESHOLD_LABEL[rule.threshold]})${quorum}${reviews}; abstaining or not voting counts as not yes.`;
  const early = rule.requires.length
    ? `early once all ${n} have voted and the ${andList(rule.requires)} review is in, or at once if a required review rejects it`
    : `early once all ${n} have voted`;
  const closes = `Closes ${timeoutText(rule.timeoutMinutes)} after opening, or ${early}; members may change their vote until then.`;
  return { who, passes, closes };
}

/** "3 yes · 1 no · 0 abstain of 5". */
export function tallyText(t: Tally): string {
  return `${t.yes} yes · ${t.no} no · ${t.abstain} abstain of ${t.eligible}`;
}

export const TALLY_KINDS = ["yes", "no", "abstain", "missing"] as const;
export type TallyKind = (typeof TALLY_KINDS)[number];

export type TallyBars = {
  bars: Record<TallyKind, { count: number; percent: number }>;
  /** Where the yes needed sits on the bar, in percent of the eligible members. */
  neededAt: number;
};

const pct = (n: number, of: number): number => (of > 0 ? Math.min(100, Math.max(0, Math.round((n / of) * 1000) / 10)) : 0);

/** One bar per kind of ballot (and the members who have not voted), as shares of the eligible members. */
export function tallyBars(t: Tally, needed: number): TallyBars {
  const missing = Math.max(0, t.eligible - t.yes - t.no - t.abstain);
  const bar = (count: number) => ({ count, percent: pct(count, t.eligible) });
  return {
    bars: { yes: bar(t.yes), no: bar(t.no), abstain: bar(t.abstain), missing: bar(missing) },
    neededAt: t.eligible > 0 ? pct(Math.min(needed, t.eligible), t.eligible) : 100,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The countdown, on the server's clock

/**
 * The server's clock now: the browser's clock plus the offset measured when the proposal was fetched, and
 * never before the server time of that answer (the browser's clock is read once a second, so it may lag it).
 */
export function serverNowOf(p: Pick<Proposal, "serverTime" | "clockOffsetMs">, clientNow: number): number {
  const answered = Date.parse(p.serverTime);
  return Math.max(clientNow + p.clockOffsetMs, Number.isNaN(answered) ? -Infinity : answered);
}

/** Milliseconds left until the deadline at `serverNow`: never negative, never more than it had when it opened. */
export function remainingMs(p: Pick<ProposalSummary, "deadline" | "openedAt">, serverNow: number): number {
  const deadline = Date.parse(p.deadline);
  if (Number.isNaN(deadline)) return 0;
  const opened = Date.parse(p.openedAt);
  return Math.max(0, Math.min(deadline - serverNow, Number.isNaN(opened) ? Infinity : deadline - opened));
}

/** "4:59", "0:07", "12:00": whole seconds rounded up, so it reads 0:00 exactly at the deadline. */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** The countdown of a proposal at `serverNow`: m:ss while open, "closed" once closed. */
export function countdownText(p: Pick<ProposalSummary, "status" | "deadline" | "openedAt">, serverNow: number): string {
  return p.status === "open" ? formatCountdown(remainingMs(p, serverNow)) : "closed";
}

// ---------------------------------------------------------------------------------------------------------
// Changes

/** "memory warning threshold → 5 %", "auto-heal for steward → off", "add member delta". */
export function describeChange(change: ChangePayload | null): string {
  if (!change) return "no change: a decision only";
  switch (change.kind) {
    case "monitoring-threshold":
      return `${METRIC_LABEL[change.metric]} ${LEVEL_LABEL[change.level]} threshold → ${change.value} ${metricUnit(change.metric)}`;
    case "auto-heal-toggle":
      return `auto-heal for ${change.target} → ${change.enabled ? "on" : "off"}`;
    case "member-change":
      return `${change.action} member ${change.member}`;
  }
}

/** The category a kind of change belongs to, from the rules' `appliesTo`; null when none lists it. */
export function categoryForKind(kind: string, categories: Record<Category, Pick<CategoryRule, "appliesTo">> | undefined): Category | null {
  if (!categories) return null;
  for (const c of CATEGORIES) if (categories[c]?.appliesTo.includes(kind)) return c;
  return null;
}

export type ApplyState = "applied" | "failed" | "pending" | "none";

/** Applied or failed as the API says; pending while it may still be applied; none when it never will be. */
export function applyState(p: Pick<ProposalSummary, "change" | "status" | "outcome" | "applyStatus">): ApplyState {
  if (p.applyStatus) return p.applyStatus;
  if (!p.change) return "none";
  return p.status === "open" || p.outcome === "passed" ? "pending" : "none";
}

export const APPLY_LABEL: Record<ApplyState, string> = {
  applied: "applied",
  failed: "could not be applied",
  pending: "applied if it passes",
  none: "not applied",
};

// ---------------------------------------------------------------------------------------------------------
// Ballots and reviews

export type ReviewState = { duty: string; state: "awaited" | Verdict; member: string | null; note: string; at: string | null };

/** Each required review, with its verdict when given. */
export function reviewStates(p: Pick<Proposal, "requires" | "reviews">): ReviewState[] {
  return p.requires.map((duty) => {
    const r = p.reviews.find((x) => x.duty === duty);
    return r ? { duty, state: r.verdict, member: r.member, note: r.note, at: r.at } : { duty, state: "awaited", member: null, note: "", at: null };
  });
}

export type VoterRow = { member: string; voted: boolean; choice: Choice | null; changes: number; me: boolean };

/** Every eligible member: whether they voted and how (null while ballots are hidden). */
export function voterRows(p: Pick<Proposal, "eligible" | "voted" | "ballots" | "me">): VoterRow[] {
  const others = p.ballots.map((b) => b.member).filter((m) => !p.eligible.includes(m));
  return [...p.eligible, ...others].map((member) => {
    const b = p.ballots.find((x) => x.member === member);
    const me = p.me.member === member;
    const choice = b?.choice ?? (me ? p.me.ballot : null);
    return { member, voted: Boolean(b) || p.voted.includes(member), choice, changes: b?.changes ?? 0, me };
  });
}

/** The author (by label: the user's e-mail) or an admin may withdraw while it is open. */
export function canWithdraw(p: Pick<ProposalSummary, "status" | "author">, user: { email: string; roles: readonly string[] }, mayWrite: boolean): boolean {
  if (!mayWrite || p.status !== "open") return false;
  return user.roles.includes("admin") || p.author.toLowerCase() === user.email.toLowerCase();
}

// ---------------------------------------------------------------------------------------------------------
// The governance log in words

const choiceWord = (v: unknown): string => (typeof v === "string" && v ? v : "?");

/** A change as the log recorded it, read with the contract's schema; null for none and for kinds this dashboard does not know. */
function loggedChange(v: unknown): ChangePayload | null {
  const change = ChangePayload.safeParse(v);
  return change.success ? change.data : null;
}

/** One log entry's details as a sentence. */
export function describeEvent(e: Pick<GovernanceEvent, "kind" | "details" | "member" | "actor">): string {
  const d = record(e.details);
  const via = e.member && e.actor && e.actor !== e.member ? ` (by ${e.actor})` : "";
  switch (e.kind) {
    case "opened": {
      const category = Category.safeParse(d.category);
      const cat = category.success ? CATEGORY_LABEL[category.data].toLowerCase() : "?";
      const eligible = Array.isArray(d.eligible) ? d.eligible.length : null;
      const change = d.change ? `; change: ${describeChange(loggedChange(d.change))}` : "";
      return `opened as ${cat}${eligible != null ? `, ${eligible} eligible` : ""}${change}${via}`;
    }
    case "voted":
      return `voted ${choiceWord(d.choice)}${via}`;
    case "changed-vote":
      return `changed vote from ${choiceWord(d.from)} to ${choiceWord(d.to)}${via}`;
    case "reviewed": {
      const note = text(d.note).trim();
      return `${str(d.duty) ?? "review"} review: ${d.verdict === "reject" ? "rejected" : "approved"}${note ? ` — “${note}”` : ""}${via}`;
    }
    case "closed":
      return `closed: ${str(d.outcome) ?? "?"}${str(d.reason) ? ` — ${str(d.reason)}` : ""}${d.atDeadline === true ? " (at the deadline)" : d.atDeadline === false ? " (early)" : ""}`;
    case "applied":
      return `applied: ${describeChange(loggedChange(d.change))}`;
    case "apply-failed":
      return `could not apply${str(d.reason) ? `: ${str(d.reason)}` : ""}`;
    case "withdrawn":
      return `withdrawn${e.actor ? ` by ${e.actor}` : ""}`;
    default:
      return e.details == null ? e.kind : `${e.kind}: ${JSON.stringify(e.details)}`;
  }
}

export const EVENT_LABEL: Record<string, string> = {
  opened: "opened",
  voted: "voted",
  "changed-vote": "changed vote",
  reviewed: "reviewed",
  closed: "closed",
  applied: "applied",
  "apply-failed": "apply failed",
  withdrawn: "withdrawn",
};

// ---------------------------------------------------------------------------------------------------------
// The new-proposal form

export type ProposalDraft = {
  title: string;
  description: string;
  /** The category chosen when there is no change. */
  category: Category;
  kind: ChangeKind | "none";
  metric: ThresholdMetric;
  level: ChangeLevel;
  value: string;
  target: string;
  enabled: boolean;
  action: MemberAction;
  member: string;
  /** With a change: raise it as an emergency instead of the category the change decides. */
  emergency: boolean;
};

export const EMPTY_DRAFT: ProposalDraft = {
  title: "",
  description: "",
  category: "operational",
  kind: "none",
  metric: "cpuPercent",
  level: "warning",
  value: "",
  target: "",
  enabled: false,
  action: "add",
  member: "",
  emergency: false,
};

/** The category the proposal opens in: the one the change decides (or emergency), else the chosen one. */
export function draftCategory(draft: ProposalDraft, categories: Record<Category, Pick<CategoryRule, "appliesTo">> | undefined): Category | null {
  if (draft.kind === "none") return draft.category;
  if (draft.emergency) return "emergency";
  return categoryForKind(draft.kind, categories);
}

export type DraftError = { field: string; message: string };

function draftChange(draft: ProposalDraft): ChangePayload | DraftError | null {
  switch (draft.kind) {
    case "none":
      return null;
    case "monitoring-threshold": {
      const value = Number(draft.value);
      if (draft.value.trim() === "" || !Number.isFinite(value) || value <= 0)
        return { field: "change.value", message: "Give the new threshold: a number above 0." };
      if (metricUnit(draft.metric) === "%" && value > 100) return { field: "change.value", message: "A percentage is at most 100." };
      return { kind: draft.kind, metric: draft.metric, level: draft.level, value };
    }
    case "auto-heal-toggle":
      if (!draft.target) return { field: "change.target", message: "Choose the target whose auto-heal to switch." };
      return { kind: draft.kind, target: draft.target, enabled: draft.enabled };
    case "member-change":
      if (!draft.member.trim()) return { field: "change.member", message: "Name the member (an agent or an e-mail)." };
      return { kind: draft.kind, action: draft.action, member: draft.member.trim() };
  }
}

/** The body of `POST /api/proposals`, or what is missing. The server decides the category of a change. */
export function proposalBody(draft: ProposalDraft): { body: NewProposalBody } | { error: DraftError } {
  const title = draft.title.trim();
  if (!title) return { error: { field: "title", message: "Give the proposal a title." } };
  const change = draftChange(draft);
  if (change && "field" in change) return { error: change };
  const body: NewProposalBody = { title, description: draft.description };
  if (change) {
    body.change = change;
    if (draft.emergency) body.category = "emergency";
  } else {
    body.category = draft.category;
  }
  return { body };
}

/** The input an API error's `field` belongs to ("change.target" → "prop-target"); null for the form as a whole. */
export function inputOfField(field: string | undefined): string | null {
  switch (field) {
    case "title":
      return "prop-title";
    case "description":
      return "prop-description";
    case "category":
      return "prop-category";
    case "change":
    case "change.kind":
      return "prop-change-kind";
    case "change.metric":
      return "prop-metric";
    case "change.level":
      return "prop-level";
    case "change.value":
      return "prop-value";
    case "change.target":
      return "prop-target";
    case "change.enabled":
      return "prop-enabled";
    case "change.action":
      return "prop-member-action";
    case "change.member":
      return "prop-member";
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Lists and live updates

export function proposalsQuery(filter: ProposalFilter, limit = PAGE_SIZE): string {
  const q = new URLSearchParams();
  if (filter.status) q.set("status", filter.status);
  q.set("limit", String(limit));
  return q.toString();
}

export function matchesProposalFilter(p: ProposalSummary, filter: ProposalFilter): boolean {
  return !filter.status || p.status === filter.status;
}

/** The API's order: open first, soonest deadline first; then closed ones, newest first. */
export function compareProposals(a: ProposalSummary, b: ProposalSummary): number {
  if (a.status !== b.status) return a.status === "open" ? -1 : 1;
  if (a.status === "open") return Date.parse(a.deadline) - Date.parse(b.deadline) || a.id - b.id;
  return b.id - a.id;
}

/** A cached list after a proposal changed: replaced, moved, added or dropped as the filter and order say. */
export function upsertProposal(list: readonly ProposalSummary[], p: ProposalSummary, filter: ProposalFilter, limit?: number): ProposalSummary[] {
  const rest = list.filter((x) => x.id !== p.id);
  if (!matchesProposalFilter(p, filter)) return rest.length === list.length ? [...list] : rest;
  const next = [...rest, p].sort(compareProposals);
  return limit !== undefined ? next.slice(0, limit) : next;
}

/** The summary in a `proposal.updated` frame; null for other frames and malformed payloads. */
export function proposalFromFrame(frame: ServerFrame): ProposalSummary | null {
  return frame.type === "proposal.updated" ? frame.proposal : null;
}

/** A cached detail with a frame's summary: tally, status and outcome now; the ballots come with the refetch. */
export function mergeSummary(detail: Proposal, summary: ProposalSummary): Proposal {
  return { ...detail, ...summary };
}

/** The summary part of a full proposal, as the lists hold it. */
export function toSummary(p: Proposal | ProposalSummary): ProposalSummary {
  if (!("ballots" in p)) return p;
  const {
    description: _d,
    serverTime: _s,
    clockOffsetMs: _o,
    me: _m,
    eligible: _e,
    voted: _v,
    ballots: _b,
    ballotsVisible: _bv,
    participationQuorum: _q,
    reviews: _r,
    appliedAt: _a,
    ...summary
  } = p;
  return summary;
}
