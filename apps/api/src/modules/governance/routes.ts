import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import {
  eligibleMembers,
  getProposal,
  listGovernanceEvents,
  listProposals,
  memberOf,
  dutiesOf,
  openProposal,
  recordReview,
  voteOnProposal,
  withdrawProposal,
} from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import {
  BallotAnswer,
  BallotBody,
  BallotList,
  GovernanceEventList,
  GovernanceEventsQuery,
  GovernanceRulesView,
  IdParams,
  NewProposalBody,
  ProposalAnswer,
  ProposalList,
  ProposalsQuery,
  ReviewBody,
  errorResponses,
} from "@ops/contract";

const tags = ["governance"];

export async function governanceRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config, bus } = deps;

  r.get(
    "/api/governance",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "The rules in force, the eligible members now, and who the caller votes as",
        response: { 200: GovernanceRulesView, ...errorResponses },
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
        querystring: ProposalsQuery,
        response: { 200: ProposalList, ...errorResponses },
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
        body: NewProposalBody,
        response: { 201: ProposalAnswer, ...errorResponses },
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(req);
      const id = await openProposal(db, config, ctx, req.body, bus);
      const proposal = await getProposal(db, config, ctx, id);
      deps.outbox.kick();
      return reply.code(201).send({ proposal });
    },
  );

  r.get(
    "/api/proposals/:id",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "One proposal with its tally, ballots (as configured), reviews and outcome",
        params: IdParams,
        response: { 200: ProposalAnswer, ...errorResponses },
      },
    },
    async (req) => ({ proposal: await getProposal(db, config, ctxOf(req), req.params.id) }),
  );

  r.get(
    "/api/proposals/:id/votes",
    {
      config: { auth: "targets:read" },
      schema: { tags, summary: "Who has voted (and how, where ballots are visible)", params: IdParams, response: { 200: BallotList, ...errorResponses } },
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
        body: BallotBody,
        response: { 200: BallotAnswer, ...errorResponses },
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      const result = await voteOnProposal(db, config, ctx, req.params.id, req.body.choice, bus);
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
        body: ReviewBody,
        response: { 200: ProposalAnswer, ...errorResponses },
      },
    },
    async (req) => {
      const ctx = ctxOf(req);
      await recordReview(db, config, ctx, req.params.id, req.body, bus);
      return { proposal: await getProposal(db, config, ctx, req.params.id) };
    },
  );

  r.post(
    "/api/proposals/:id/withdraw",
    {
      config: { auth: "proposals:write" },
      schema: { tags, summary: "Withdraw an open proposal (its author or an admin)", params: IdParams, response: { 200: ProposalAnswer, ...errorResponses } },
    },
    async (req) => {
      const ctx = ctxOf(req);
      await withdrawProposal(db, ctx, req.params.id, bus);
      return { proposal: await getProposal(db, config, ctx, req.params.id) };
    },
  );

  r.get(
    "/api/governance/events",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "The governance log: opened, reviewed, voted, changed vote, closed, applied, withdrawn",
        querystring: GovernanceEventsQuery,
        response: { 200: GovernanceEventList, ...errorResponses },
      },
    },
    async (req) => ({ events: await listGovernanceEvents(db, req.query) }),
  );
  r.get(
    "/api/governance/events/export",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "The governance log as JSON lines (governance-events.log), for archiving",
        querystring: GovernanceEventsQuery,
        produces: ["application/x-ndjson"],
      },
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
