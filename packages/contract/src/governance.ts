/** Governance: proposals, ballots, reviews, the rules in force and the event log (`/api/governance`, `/api/proposals`). */
import { z } from "zod";
import { IdText, ThresholdValue } from "./common.ts";

// ---------------------------------------------------------------------------------------------------------
// The values (SPEC §7); packages/domain reads these lists from here.

export const CATEGORIES = ["operational", "tactical", "strategic", "emergency"] as const;
export const Category = z.enum(CATEGORIES);
export type Category = z.infer<typeof Category>;

export const THRESHOLDS = ["simple", "supermajority", "unanimous"] as const;
export const Threshold = z.enum(THRESHOLDS);
export type Threshold = z.infer<typeof Threshold>;

export const CHOICES = ["yes", "no", "abstain"] as const;
export const Choice = z.enum(CHOICES);
export type Choice = z.infer<typeof Choice>;

export const OUTCOMES = ["passed", "rejected", "expired", "withdrawn"] as const;
export const Outcome = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof Outcome>;

export const PROPOSAL_STATUSES = ["open", "closed"] as const;
export const ProposalStatus = z.enum(PROPOSAL_STATUSES);
export type ProposalStatus = z.infer<typeof ProposalStatus>;

/** Whether a passed proposal's change was applied. */
export const ApplyStatus = z.enum(["applied", "failed"]);
export type ApplyStatus = z.infer<typeof ApplyStatus>;

/** A required review's verdict. */
export const Verdict = z.enum(["approve", "reject"]);
export type Verdict = z.infer<typeof Verdict>;

export const THRESHOLD_METRICS = ["cpuPercent", "memoryPercent", "diskPercent", "responseTimeMs"] as const;
export const ThresholdMetric = z.enum(THRESHOLD_METRICS);
export type ThresholdMetric = z.infer<typeof ThresholdMetric>;

/** Which of a metric's two thresholds a change moves. */
export const CHANGE_LEVELS = ["warning", "critical"] as const;
export const ChangeLevel = z.enum(CHANGE_LEVELS);
export type ChangeLevel = z.infer<typeof ChangeLevel>;

/** Adding a governance member, or removing one. */
export const MEMBER_ACTIONS = ["add", "remove"] as const;
export const MemberAction = z.enum(MEMBER_ACTIONS);
export type MemberAction = z.infer<typeof MemberAction>;

// ---------------------------------------------------------------------------------------------------------
// Proposals

/** What a passed proposal changes. */
export const ChangePayload = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("monitoring-threshold"), metric: ThresholdMetric, level: ChangeLevel, value: ThresholdValue }).strict(),
    z.object({ kind: z.literal("auto-heal-toggle"), target: z.string().min(1).max(63), enabled: z.boolean() }).strict(),
    z.object({ kind: z.literal("member-change"), action: MemberAction, member: z.string().trim().min(1).max(200) }).strict(),
  ])
  .meta({ id: "ProposalChange" });
export type ChangePayload = z.infer<typeof ChangePayload>;

/** The kinds of change a proposal can carry. */
export const CHANGE_KINDS = ["monitoring-threshold", "auto-heal-toggle", "member-change"] as const satisfies readonly ChangePayload["kind"][];
export const ChangeKind = z.enum(CHANGE_KINDS);
export type ChangeKind = z.infer<typeof ChangeKind>;

export const Tally = z.object({ yes: z.number().int(), no: z.number().int(), abstain: z.number().int(), eligible: z.number().int() });
export type Tally = z.infer<typeof Tally>;

/** A proposal as the lists and the live frames carry it. */
export const ProposalSummary = z
  .object({
    id: z.number().int(),
    title: z.string(),
    /** The rule of its category, copied in when it opened. */
    category: Category,
    threshold: Threshold,
    requires: z.array(z.string()),
    status: ProposalStatus,
    outcome: Outcome.nullable(),
    outcomeReason: z.string().nullable(),
    author: z.string(),
    openedAt: z.string(),
    deadline: z.string(),
    closedAt: z.string().nullable(),
    /** Where the vote stands. */
    tally: Tally,
    yesNeeded: z.number().int(),
    change: ChangePayload.nullable(),
    /** Whether its change was applied once it passed. */
    applyStatus: ApplyStatus.nullable(),
    applyReason: z.string().nullable(),
    reviewsDone: z.array(z.string()),
  })
  .meta({ id: "ProposalSummary" });
export type ProposalSummary = z.infer<typeof ProposalSummary>;

/** `choice` is null while ballots are hidden (until the close), except the caller's own. */
export const BallotView = z.object({
  member: z.string(),
  choice: Choice.nullable().describe("null while ballots are hidden (until close)"),
  castAt: z.string(),
  changes: z.number().int(),
});
export type BallotView = z.infer<typeof BallotView>;

export const ReviewView = z.object({ duty: z.string(), member: z.string(), verdict: Verdict, note: z.string(), at: z.string() });
export type ReviewView = z.infer<typeof ReviewView>;

/** Who the caller votes as on this proposal, and the review duties it holds there. */
export const ProposalMe = z.object({ member: z.string().nullable(), eligible: z.boolean(), ballot: Choice.nullable(), duties: z.array(z.string()) });
export type ProposalMe = z.infer<typeof ProposalMe>;

/** One proposal with its ballots (as configured), reviews and the caller's part in it. */
export const ProposalView = ProposalSummary.extend({
  description: z.string(),
  eligible: z.array(z.string()),
  voted: z.array(z.string()),
  ballots: z.array(BallotView),
  ballotsVisible: z.boolean(),
  reviews: z.array(ReviewView),
  participationQuorum: z.number(),
  appliedAt: z.string().nullable(),
  me: ProposalMe,
  /** The server's clock when it answered. */
  serverTime: z.string().describe("the server's clock, for countdowns"),
}).meta({ id: "Proposal" });
export type ProposalView = z.infer<typeof ProposalView>;

/** One entry of the governance log: opened, reviewed, voted, changed vote, closed, applied, withdrawn. */
export const GovernanceEvent = z.object({
  id: z.number().int(),
  proposalId: z.number().int().nullable(),
  at: z.string(),
  kind: z.string(),
  member: z.string().nullable(),
  actor: z.string(),
  details: z.unknown(),
});
export type GovernanceEvent = z.infer<typeof GovernanceEvent>;

// ---------------------------------------------------------------------------------------------------------
// The rules in force (`GET /api/governance`)

export const CategoryRule = z.object({
  threshold: Threshold,
  timeoutMinutes: z.number(),
  requires: z.array(z.string()),
  description: z.string().optional(),
  appliesTo: z.array(z.string()),
});
export type CategoryRule = z.infer<typeof CategoryRule>;

/** The rules in force, the eligible members now, and who the caller votes as. */
export const GovernanceRulesView = z.object({
  categories: z.record(Category, CategoryRule),
  /** Review duty → the member holding it. */
  reviewers: z.record(z.string(), z.string()),
  eligible: z.array(z.string()),
  ballotsVisible: z.boolean(),
  participationQuorum: z.number(),
  me: ProposalMe.omit({ ballot: true }),
});
export type GovernanceRulesView = z.infer<typeof GovernanceRulesView>;

// ---------------------------------------------------------------------------------------------------------
// Requests and answers

export const ProposalsQuery = z.object({ status: ProposalStatus.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });
export type ProposalsQuery = z.infer<typeof ProposalsQuery>;

export const ProposalList = z.object({ proposals: z.array(ProposalSummary) });
export type ProposalList = z.infer<typeof ProposalList>;

/** Open a proposal; a change payload decides the category (SPEC §7) and is applied if it passes. */
export const NewProposalBody = z.object({
  title: z.string().trim().min(1).max(200),
  description: z.string().max(20_000).default(""),
  category: Category.optional(),
  change: ChangePayload.optional(),
});
export type NewProposalBody = z.infer<typeof NewProposalBody>;

export const ProposalAnswer = z.object({ proposal: ProposalView });
export type ProposalAnswer = z.infer<typeof ProposalAnswer>;

/** Who has voted (and how, where ballots are visible). */
export const BallotList = z.object({ ballots: z.array(BallotView), tally: Tally });
export type BallotList = z.infer<typeof BallotList>;

export const BallotBody = z.object({ choice: Choice });
export type BallotBody = z.infer<typeof BallotBody>;

/** `changed` is false when the ballot repeated the member's standing choice. */
export const BallotAnswer = z.object({ proposal: ProposalView, changed: z.boolean() });
export type BallotAnswer = z.infer<typeof BallotAnswer>;

/** A required review; `duty` picks one when the member holds several. */
export const ReviewBody = z.object({ verdict: Verdict, note: z.string().max(5000).optional(), duty: z.string().max(64).optional() });
export type ReviewBody = z.infer<typeof ReviewBody>;

export const GovernanceEventsQuery = z.object({
  proposal: IdText.optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});
export type GovernanceEventsQuery = z.infer<typeof GovernanceEventsQuery>;

export const GovernanceEventList = z.object({ events: z.array(GovernanceEvent) });
export type GovernanceEventList = z.infer<typeof GovernanceEventList>;
