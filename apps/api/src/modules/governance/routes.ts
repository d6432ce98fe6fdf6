import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  castBallot,
  closeProposal,
  eligibleMembers,
  getProposal,
  getProposalSummary,
  listGovernanceEvents,
  listProposals,
  memberOf,
  dutiesOf,
  openProposal,
  recordReview,
  withdrawProposal,
} from "@ops/core";
import { CATEGORIES, CHOICES, OUTCOMES, THRESHOLDS, THRESHOLD_METRICS } from "@ops/domain";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { IdParams, IdText, ThresholdValue, errorResponses } from "@ops/contract";

const Change = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("monitoring-threshold"), metric: z.enum(THRESHOLD_METRICS), level: z.enum(["warning", "critical"]), value: ThresholdValue }).strict(),
    z.object({ kind: z.literal("auto-heal-toggle"), target: z.string().min(1).max(63), enabled: z.boolean() }).strict(),
    z.object({ kind: z.literal("member-change"), action: z.enum(["add", "remove"]), member: z.string().trim().min(1).max(200) }).strict(),
  ])
  .meta({ id: "ProposalChange" });

const Tally = z.object({ yes: z.number().int(), no: z.number().int(), abstain: z.number().int(), eligible: z.number().int() });
const ProposalSummary = z
  .object({
    id: z.number().int(),
    title: z.string(),
    category: z.enum(CATEGORIES),
    threshold: z.enum(THRESHOLDS),
    requires: z.array(z.string()),
    status: z.enum(["open", "closed"]),
    outcome: z.enum(OUTCOMES).nullable(),
    outcomeReason: z.string().nullable(),
    author: z.string(),
    openedAt: z.string(),
    deadline: z.string(),
    closedAt: z.string().nullable(),
    tally: Tally,
    yesNeeded: z.number().int(),
    change: Change.nullable(),
    applyStatus: z.enum(["applied", "failed"]).nullable(),
    applyReason: z.string().nullable(),
    reviewsDone: z.array(z.string()),
  })
  .meta({ id: "ProposalSummary" });
const Proposal = ProposalSummary.extend({
  description: z.string(),
  eligible: z.array(z.string()),
  voted: z.array(z.string()),
  ballots: z.array(z.object({ member: z.string(), choice: z.enum(CHOICES).nullable().describe("null while ballots are hidden (until close)"), castAt: z.string(), changes: z.number().int() })),
  ballotsVisible: z.boolean(),
  reviews: z.array(z.object({ duty: z.string(), member: z.string(), verdict: z.enum(["approve", "reject"]), note: z.string(), at: z.string() })),
  participationQuorum: z.number(),
  appliedAt: z.string().nullable(),
  me: z.object({ member: z.string().nullable(), eligible: z.boolean(), ballot: z.enum(CHOICES).nullable(), duties: z.array(z.string()) }),
  serverTime: z.string().describe("the server's clock, for countdowns"),
}).meta({ id: "Proposal" });
const Event = z.object({ id: z.number().int(), proposalId: z.number().int().nullable(), at: z.string(), kind: z.string(), member: z.string().nullable(), actor: z.string(), details: z.unknown() });

const tags = ["governance"];

export async function governanceRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config } = deps;

  /** After a vote or review: close if nothing can change the outcome any more, then tell every dashboard. */
  const settle = async (id: number) => {
    await closeProposal(db, config, id);
    await deps.bus.publish({ type: "proposal.updated", proposal: await getProposalSummary(db.sql, id) }).catch(() => {});
  };

  r.get(
    "/api/governance",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "The rules in force, the eligible members now, and who the caller votes as",
        response: {
          200: z.object({
            categories: z.record(z.string(), z.object({ threshold: z.enum(THRESHOLDS), timeoutMinutes: z.number(), requires: z.array(z.string()), description: z.string().optional(), appliesTo: z.array(z.string()) })),
            reviewers: z.record(z.string(), z.string()),
            eligible: z.array(z.string()),
            ballotsVisible: z.boolean(),
            participationQuorum: z.number(),
            me: z.object({ member: z.string().nullable(), eligible: z.boolean(), duties: z.array(z.string()) }),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const eligible = await eligibleMembers(db.sql, config);
      const member = await memberOf(db.sql, ctxOf(req));
      const g = config.governance;
      return {
        categories: g.categories,
        reviewers: g.reviewers,
        eligible,
        ballotsVisible: g.ballotsVisible,
        participationQuorum: g.participationQuorum,
        me: { member, eligible: member !== null && eligible.includes(member), duties: dutiesOf(config, member) },
      };
    },
  );

  r.get(
    "/api/proposals",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "Proposals: open ones first (soonest deadline first), then closed ones, newest first",
        querystring: z.object({ status: z.enum(["open", "closed"]).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ proposals: z.array(ProposalSummary) }), ...errorResponses },
      },
    },
    async (req) => ({ proposals: await listProposals(db, req.query) }),
  );

  r.post(
    "/api/proposals",
    {
      config: { auth: "proposals:write" },
      schema: {
        tags,
        summary: "Open a proposal; a change payload decides the category (SPEC §7) and is applied if it passes",
        body: z.object({
          title: z.string().trim().min(1).max(200),
          description: z.string().max(20_000).default(""),
          category: z.enum(CATEGORIES).optional(),
          change: Change.optional(),
        }),
        response: { 201: z.object({ proposal: Proposal }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(req);
      const id = await openProposal(db, config, ctx, req.body);
      const proposal = await getProposal(db, config, ctx, id);
      deps.outbox.kick();
      await deps.bus.publish({ type: "proposal.updated", proposal: await getProposalSummary(db.sql, id) }).catch(() => {});
      return reply.code(201).send({ proposal });
    },
  );

  r.get(
    "/api/proposals/:id",
    { config: { auth: "targets:read" }, schema: { tags, summary: "One proposal with its tally, ballots (as configured), reviews and outcome", params: IdParams, response: { 200: z.object({ proposal: Proposal }), ...errorResponses } } },
    async (req) => ({ proposal: await getProposal(db, config, ctxOf(req), req.params.id) }),
  );

  r.get(
    "/api/proposals/:id/votes",
    {
      config: { auth: "targets:read" },
      schema: { tags, summary: "Who has voted (and how, where ballots are visible)", params: IdParams, response: { 200: z.object({ ballots: Proposal.shape.ballots, tally: Tally }), ...errorResponses } },
    },
    async (req) => {
      const p = await getProposal(db, config, ctxOf(req), req.params.id);
      return { ballots: p.ballots, tally: p.tally };
    },
  );

  r.post(
    "/api/proposals/:id/votes",
    {
      config: { auth: "votes:cast" },
      schema: {
        tags,
        summary: "Cast or change your ballot (one per member; the last one counts until the close; refused after the deadline)",
        params: IdParams,
        body: z.object({ choice: z.enum(CHOICES) }),
        response: { 200: z.object({ proposal: Proposal, changed: z.boolean() }), ...errorResponses },
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      const result = await castBallot(db, ctx, req.params.id, req.body.choice);
      if (result.changed) await settle(req.params.id);
      return { proposal: await getProposal(db, config, ctx, req.params.id), changed: result.changed };
    },
  );

  r.post(
    "/api/proposals/:id/reviews",
    {
      config: { auth: "votes:cast" },
      schema: {
        tags,
        summary: "Record the required review (examiner for tactical, sentinel for strategic) as the member holding that duty",
        params: IdParams,
        body: z.object({ verdict: z.enum(["approve", "reject"]), note: z.string().max(5000).optional(), duty: z.string().max(64).optional() }),
        response: { 200: z.object({ proposal: Proposal }), ...errorResponses },
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      await recordReview(db, config, ctx, req.params.id, req.body);
      await settle(req.params.id);
      return { proposal: await getProposal(db, config, ctx, req.params.id) };
    },
  );

  r.post(
    "/api/proposals/:id/withdraw",
    {
      config: { auth: "proposals:write" },
      schema: { tags, summary: "Withdraw an open proposal (its author or an admin)", params: IdParams, response: { 200: z.object({ proposal: Proposal }), ...errorResponses } },
    },
    async (req) => {
      const ctx = ctxOf(req);
      await withdrawProposal(db, ctx, req.params.id);
      await deps.bus.publish({ type: "proposal.updated", proposal: await getProposalSummary(db.sql, req.params.id) }).catch(() => {});
      return { proposal: await getProposal(db, config, ctx, req.params.id) };
    },
  );

  const EventQuery = z.object({
    proposal: IdText.optional(),
    after: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  });
  r.get(
    "/api/governance/events",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "The governance log: opened, reviewed, voted, changed vote, closed, applied, withdrawn",
        querystring: EventQuery,
        response: { 200: z.object({ events: z.array(Event) }), ...errorResponses },
      },
    },
    async (req) => ({ events: await listGovernanceEvents(db, req.query) }),
  );
  r.get(
    "/api/governance/events/export",
    {
      config: { auth: "targets:read" },
      schema: { tags, summary: "The governance log as JSON lines (governance-events.log), for archiving", querystring: EventQuery, produces: ["application/x-ndjson"] },
    },
    async (req, reply) => {
      const events = await listGovernanceEvents(db, req.query);
      return reply
        .type("application/x-ndjson; charset=utf-8")
        .header("content-disposition", 'attachment; filename="governance-events.log"')
        .send(events.map((e) => JSON.stringify(e)).join("\n") + (events.length ? "\n" : ""));
    },
  );
}
