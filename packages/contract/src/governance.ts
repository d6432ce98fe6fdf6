/** Governance: proposals, ballots, reviews and the event log (`/api/governance`). */

export type Category = "operational" | "tactical" | "strategic" | "emergency";
export type Threshold = "simple" | "supermajority" | "unanimous";
export type Choice = "yes" | "no" | "abstain";
export type Outcome = "passed" | "rejected" | "expired" | "withdrawn";
export type ProposalStatus = "open" | "closed";
export type ApplyStatus = "applied" | "failed";
export type ThresholdMetric = "cpuPercent" | "memoryPercent" | "diskPercent" | "responseTimeMs";

/** What a passed proposal changes. */
export type ChangePayload =
  | { kind: "monitoring-threshold"; metric: ThresholdMetric; level: "warning" | "critical"; value: number }
  | { kind: "auto-heal-toggle"; target: string; enabled: boolean }
  | { kind: "member-change"; action: "add" | "remove"; member: string };

export type Tally = { yes: number; no: number; abstain: number; eligible: number };

/** `choice` is null while ballots are hidden (until the close), except the caller's own. */
export type BallotView = { member: string; choice: Choice | null; castAt: string; changes: number };
export type ReviewView = { duty: string; member: string; verdict: "approve" | "reject"; note: string; at: string };

/** A proposal as the lists and the live frames carry it. */
export type ProposalSummary = {
  id: number;
  title: string;
  author: string;
  change: ChangePayload | null;
  /** The rule of its category, copied in when it opened. */
  category: Category;
  threshold: Threshold;
  requires: string[];
  yesNeeded: number;
  /** Where the vote stands. */
  tally: Tally;
  reviewsDone: string[];
  status: ProposalStatus;
  openedAt: string;
  deadline: string;
  closedAt: string | null;
  outcome: Outcome | null;
  outcomeReason: string | null;
  /** Whether its change was applied once it passed. */
  applyStatus: ApplyStatus | null;
  applyReason: string | null;
};

export type ProposalMe = { member: string | null; eligible: boolean; ballot: Choice | null; duties: string[] };

export type ProposalView = ProposalSummary & {
  description: string;
  eligible: string[];
  voted: string[];
  ballots: BallotView[];
  ballotsVisible: boolean;
  reviews: ReviewView[];
  participationQuorum: number;
  appliedAt: string | null;
  me: ProposalMe;
  /** The server's clock when it answered. */
  serverTime: string;
};

export type GovernanceEvent = { id: number; proposalId: number | null; at: string; kind: string; member: string | null; actor: string; details: unknown };
