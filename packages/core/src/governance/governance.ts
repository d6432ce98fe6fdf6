import type { OpsConfig } from "@ops/config";
import { ballots, columns, governanceEvents, governanceMembers, proposals, reviews, type apiTokens, type DbHandle, type Row, type users } from "@ops/db";
import { applyThresholdChange, categoryFor, decideAtDeadline, decideEarly, scrubText, yesNeeded } from "@ops/domain";
import type {
  ApplyStatus,
  BallotView,
  ChangePayload,
  Choice,
  GovernanceEvent,
  GovernanceEventsQuery,
  NewProposalBody,
  Outcome,
  ProposalSummary,
  ProposalView,
  ProposalsQuery,
  ReviewBody,
  ReviewView,
} from "@ops/contract";
import type postgres from "postgres";
import type { FramePublisher } from "../bus.ts";
import { ServiceError, notFound } from "../errors.ts";
import { setHealingPaused } from "../healing/ladder.ts";
import { stageJob } from "../outbox.ts";
import { writeAudit } from "../identity/audit.ts";
import { requirePermission, systemContext, type RequestContext } from "../identity/context.ts";
import { effectiveThresholds, setThresholds } from "../settings.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

// ---------------------------------------------------------------------------------------------------------
// Members: who may vote, and as whom a caller votes

/**
 * The eligible members now: the configured voters (the triad), members added or removed by passed
 * proposals, and (unless configured off) every active user with the governance role, by e-mail.
 */
export async function eligibleMembers(sql: Sql, config: OpsConfig): Promise<string[]> {
  const changes = await sql<
    Pick<Row<typeof governanceMembers>, "member" | "active">[]
  >`SELECT ${sql.unsafe(columns(governanceMembers, { only: ["member", "active"] }))} FROM governance_members`;
  const set = new Set(config.governance.eligibleVoters);
  for (const c of changes) {
    if (c.active) set.add(c.member);
    else set.delete(c.member);
  }
  if (config.governance.humanMembers === "governance-role") {
    const humans = await sql<
      Pick<Row<typeof users>, "email">[]
    >`SELECT email FROM users WHERE disabled_at IS NULL AND 'governance' = ANY(roles) ORDER BY email`;
    for (const h of humans) if (!changes.some((c) => c.member === h.email && !c.active)) set.add(h.email);
  }
  return [...set];
}

/** The member a caller acts as: a token bound to a member (an agent), or a user by e-mail. */
export async function memberOf(sql: Sql, ctx: RequestContext): Promise<string | null> {
  if (ctx.actor.type === "token") {
    const [t] = await sql<Pick<Row<typeof apiTokens>, "member">[]>`SELECT member FROM api_tokens WHERE id = ${ctx.actor.id}`;
    return t?.member ?? null;
  }
  if (ctx.actor.type === "user") {
    const [u] = await sql<Pick<Row<typeof users>, "email">[]>`SELECT email FROM users WHERE id = ${ctx.actor.id}`;
    return u?.email ?? null;
  }
  return null;
}

/** The review duties (examiner, sentinel) a member holds under the rules. */
export function dutiesOf(config: OpsConfig, member: string | null): string[] {
  if (!member) return [];
  return Object.entries(config.governance.reviewers)
    .filter(([, who]) => who === member)
    .map(([duty]) => duty);
}

// ---------------------------------------------------------------------------------------------------------
// Views

// The views are the API's answers, built as the contract's types (@ops/contract).

/** A proposal as stored, with its change typed, its ballots counted and the reviews given. */
type ProposalRow = Omit<Row<typeof proposals>, "change"> & { change: ChangePayload | null; yes: number; no: number; abstain: number; reviewsDone: string[] };

const PROPOSAL_COLUMNS = `${columns(proposals, { alias: "p" })},
  (SELECT count(*)::int FROM ballots b WHERE b.proposal_id = p.id AND b.choice = 'yes') AS yes,
  (SELECT count(*)::int FROM ballots b WHERE b.proposal_id = p.id AND b.choice = 'no') AS no,
  (SELECT count(*)::int FROM ballots b WHERE b.proposal_id = p.id AND b.choice = 'abstain') AS abstain,
  coalesce((SELECT array_agg(r.duty ORDER BY r.duty) FROM reviews r WHERE r.proposal_id = p.id), '{}') AS "reviewsDone"`;

function toSummary(r: ProposalRow): ProposalSummary {
  return {
    id: r.id,
    title: r.title,
    category: r.category,
    threshold: r.threshold,
    requires: r.requires,
    status: r.status,
    outcome: r.outcome,
    outcomeReason: r.outcomeReason,
    author: r.author,
    openedAt: r.openedAt.toISOString(),
    deadline: r.deadline.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
    tally: { yes: r.yes, no: r.no, abstain: r.abstain, eligible: r.eligible.length },
    yesNeeded: yesNeeded(r.threshold, r.eligible.length),
    change: r.change,
    applyStatus: r.applyStatus,
    applyReason: r.applyReason,
    reviewsDone: r.reviewsDone,
  };
}

async function readRow(sql: Sql, id: number, lock = false): Promise<ProposalRow> {
  // Lock first, then read in a second statement: under READ COMMITTED a statement sees the data as of its
  // start, so counting ballots in the locking statement would miss those committed while it waited.
  if (lock) await sql`SELECT 1 FROM proposals WHERE id = ${id} FOR UPDATE`;
  const [row] = await sql<ProposalRow[]>`SELECT ${sql.unsafe(PROPOSAL_COLUMNS)} FROM proposals p WHERE p.id = ${id}`;
  if (!row) throw notFound(`proposal ${id}`, "id");
  return row;
}

export async function getProposalSummary(sql: Sql, id: number): Promise<ProposalSummary> {
  return toSummary(await readRow(sql, id));
}

export async function getProposal(h: DbHandle, config: OpsConfig, ctx: RequestContext, id: number): Promise<ProposalView> {
  const row = await readRow(h.sql, id);
  const cast = await h.sql<Pick<Row<typeof ballots>, "member" | "choice" | "castAt" | "changes">[]>`
    SELECT ${h.sql.unsafe(columns(ballots, { only: ["member", "choice", "castAt", "changes"] }))} FROM ballots WHERE proposal_id = ${id} ORDER BY cast_at, member`;
  const given = await h.sql<Pick<Row<typeof reviews>, "duty" | "member" | "verdict" | "note" | "at">[]>`
    SELECT ${h.sql.unsafe(columns(reviews, { only: ["duty", "member", "verdict", "note", "at"] }))} FROM reviews WHERE proposal_id = ${id} ORDER BY duty`;
  const member = await memberOf(h.sql, ctx);
  // Who voted is always shown; how they voted is shown as configured, and always once the proposal is closed.
  const visible = row.ballotsVisible || row.status === "closed";
  const mine = cast.find((b) => b.member === member);
  const [clock] = await h.sql<{ now: Date }[]>`SELECT now() AS now`;
  const now = clock!.now;
  return {
    ...toSummary(row),
    description: row.description,
    eligible: row.eligible,
    voted: cast.map((b) => b.member),
    ballots: cast.map((b): BallotView => ({
      member: b.member,
      choice: visible || b.member === member ? b.choice : null,
      castAt: b.castAt.toISOString(),
      changes: b.changes,
    })),
    ballotsVisible: row.ballotsVisible,
    reviews: given.map((r): ReviewView => ({ ...r, at: r.at.toISOString() })),
    participationQuorum: row.participationQuorum,
    appliedAt: row.appliedAt?.toISOString() ?? null,
    me: {
      member,
      eligible: member !== null && row.eligible.includes(member),
      ballot: mine?.choice ?? null,
      duties: dutiesOf(config, member).filter((d) => row.requires.includes(d)),
    },
    serverTime: now.toISOString(),
  };
}

export async function listProposals(h: DbHandle, f: ProposalsQuery): Promise<ProposalSummary[]> {
  const rows = await h.sql<ProposalRow[]>`
    SELECT ${h.sql.unsafe(PROPOSAL_COLUMNS)} FROM proposals p WHERE (${f.status ?? null}::text IS NULL OR p.status = ${f.status ?? null})
    ORDER BY (p.status = 'open') DESC, CASE WHEN p.status = 'open' THEN p.deadline END ASC, p.id DESC LIMIT ${f.limit}`;
  return rows.map(toSummary);
}

// ---------------------------------------------------------------------------------------------------------
// The governance log

async function logEvent(tx: Sql, proposalId: number | null, kind: string, actor: string, member: string | null, details: unknown = null): Promise<void> {
  await tx`INSERT INTO governance_events (proposal_id, kind, member, actor, details) VALUES (${proposalId}, ${kind}, ${member}, ${actor}, ${details === null ? null : tx.json(details as never)})`;
}

export async function listGovernanceEvents(h: DbHandle, f: GovernanceEventsQuery): Promise<GovernanceEvent[]> {
  const rows = await h.sql<Row<typeof governanceEvents>[]>`
    SELECT ${h.sql.unsafe(columns(governanceEvents))} FROM governance_events
    WHERE (${f.proposal ?? null}::bigint IS NULL OR proposal_id = ${f.proposal ?? null}) AND (${f.after ?? null}::bigint IS NULL OR id > ${f.after ?? null})
    ORDER BY id LIMIT ${f.limit}`;
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}

// ---------------------------------------------------------------------------------------------------------
// Opening

function checkChange(config: OpsConfig, change: ChangePayload): void {
  if (change.kind === "auto-heal-toggle") {
    const t = config.fleet.targets.find((x) => x.name === change.target);
    if (!t) throw new ServiceError("VALIDATION", `change.target: "${change.target}" is not a configured target`, "change.target");
    if (!t.enabled) throw new ServiceError("VALIDATION", `change.target: ${change.target} is not monitored (enabled: false)`, "change.target");
  }
}

/** Open a proposal under the rules in force, and tell every dashboard. */
export async function openProposal(h: DbHandle, config: OpsConfig, ctx: RequestContext, input: NewProposalBody, bus: FramePublisher): Promise<number> {
  requirePermission(ctx, "proposals:write");
  const rules = config.governance;
  let category = input.category;
  if (input.change) {
    checkChange(config, input.change);
    const belongs = categoryFor(input.change.kind, rules.categories);
    if (!belongs)
      throw new ServiceError("VALIDATION", `change.kind: no category lists "${input.change.kind}" in appliesTo (governance-quorum-rules.json)`, "change.kind");
    // An emergency may carry any change; otherwise the change decides the category.
    if (category !== undefined && category !== belongs && category !== "emergency") {
      throw new ServiceError("VALIDATION", `category: a ${input.change.kind} change is a ${belongs} decision (SPEC §7), not ${category}`, "category");
    }
    category ??= belongs;
  }
  if (!category) throw new ServiceError("VALIDATION", "category: give a category, or a change whose kind decides it", "category");
  const rule = rules.categories[category];
  const id = await h.sql.begin(async (tx) => {
    const eligible = await eligibleMembers(tx, config);
    if (eligible.length === 0) throw new ServiceError("RULE_VIOLATION", "there are no eligible members to vote", "category");
    const [row] = await tx<Pick<Row<typeof proposals>, "id" | "deadline">[]>`
      INSERT INTO proposals (title, description, category, threshold, requires, eligible, ballots_visible, participation_quorum, change, author, deadline)
      VALUES (${scrubText(input.title)}, ${scrubText(input.description)}, ${category}, ${rule.threshold}, ${rule.requires}::text[], ${eligible}::text[],
        ${rules.ballotsVisible}, ${rules.participationQuorum}, ${input.change ? tx.json(input.change) : null}, ${ctx.actor.label},
        now() + make_interval(secs => ${rule.timeoutMinutes * 60}))
      RETURNING id, deadline`;
    const id = row!.id;
    const details = {
      category,
      threshold: rule.threshold,
      requires: rule.requires,
      eligible,
      deadline: row!.deadline.toISOString(),
      change: input.change ?? null,
    };
    await logEvent(tx, id, "opened", ctx.actor.label, await memberOf(tx, ctx), details);
    await writeAudit(tx, ctx, { action: "proposal.open", targetType: "proposal", targetId: String(id), after: { title: input.title, ...details } });
    // Closing at the deadline: staged with the proposal, enqueued as a delayed job when Redis answers.
    await stageJob(tx, "proposalClose", { proposalId: id }, {}, row!.deadline);
    return id;
  });
  await publishProposal(h, bus, id);
  return id;
}

// ---------------------------------------------------------------------------------------------------------
// Voting and reviewing: each under the proposal's row lock, against the database's clock

export type BallotOutcome = { changed: boolean; previous: Choice | null };

/**
 * A member's ballot: recorded, then the proposal closes if nothing can change its outcome any more, and every
 * dashboard hears of it. A ballot that repeats the member's standing choice changes nothing and tells no one.
 */
export async function voteOnProposal(
  h: DbHandle,
  config: OpsConfig,
  ctx: RequestContext,
  id: number,
  choice: Choice,
  bus: FramePublisher,
): Promise<BallotOutcome> {
  const result = await castBallot(h, ctx, id, choice);
  if (result.changed) await settle(h, config, id, bus);
  return result;
}

/** Record a ballot only (the last one counts until the close); `voteOnProposal` also settles and tells the dashboards. */
export async function castBallot(h: DbHandle, ctx: RequestContext, id: number, choice: Choice): Promise<BallotOutcome> {
  requirePermission(ctx, "votes:cast");
  const member = await memberOf(h.sql, ctx);
  return h.sql.begin(async (tx) => {
    const [p] = await tx<{ status: string; eligible: string[]; deadline: Date; open: boolean }[]>`
      SELECT status, eligible, deadline, (status = 'open' AND now() < deadline) AS open FROM proposals WHERE id = ${id} FOR UPDATE`;
    if (!p) throw notFound(`proposal ${id}`, "id");
    if (!p.open)
      throw new ServiceError(
        "CONFLICT",
        `voting on proposal ${id} closed at ${p.deadline.toISOString()}${p.status === "closed" ? "" : " (the deadline has passed)"}; the ballot was not counted`,
        "id",
      );
    if (!member || !p.eligible.includes(member)) {
      throw new ServiceError(
        "FORBIDDEN",
        member
          ? `${member} is not an eligible member of proposal ${id}`
          : "this caller is not a governance member (a user with the governance role, or a token bound to a member)",
      );
    }
    const [existing] = await tx<Pick<Row<typeof ballots>, "choice">[]>`SELECT choice FROM ballots WHERE proposal_id = ${id} AND member = ${member}`;
    if (existing?.choice === choice) return { changed: false, previous: choice };
    if (existing) {
      await tx`UPDATE ballots SET choice = ${choice}, actor = ${ctx.actor.label}, cast_at = now(), changes = changes + 1 WHERE proposal_id = ${id} AND member = ${member}`;
      await logEvent(tx, id, "changed-vote", ctx.actor.label, member, { from: existing.choice, to: choice });
    } else {
      await tx`INSERT INTO ballots (proposal_id, member, choice, actor) VALUES (${id}, ${member}, ${choice}, ${ctx.actor.label})`;
      await logEvent(tx, id, "voted", ctx.actor.label, member, { choice });
    }
    await writeAudit(tx, ctx, {
      action: existing ? "proposal.vote.change" : "proposal.vote",
      targetType: "proposal",
      targetId: String(id),
      before: existing ? { choice: existing.choice } : undefined,
      after: { member, choice },
    });
    return { changed: true, previous: existing?.choice ?? null };
  });
}

/** A required review, recorded by the member holding the duty; then the proposal settles and every dashboard hears of it. */
export async function recordReview(h: DbHandle, config: OpsConfig, ctx: RequestContext, id: number, input: ReviewBody, bus: FramePublisher): Promise<void> {
  requirePermission(ctx, "votes:cast");
  const member = await memberOf(h.sql, ctx);
  await h.sql.begin(async (tx) => {
    const [p] = await tx<{ requires: string[]; open: boolean; deadline: Date }[]>`
      SELECT requires, (status = 'open' AND now() < deadline) AS open, deadline FROM proposals WHERE id = ${id} FOR UPDATE`;
    if (!p) throw notFound(`proposal ${id}`, "id");
    if (!p.open) throw new ServiceError("CONFLICT", `proposal ${id} closed at ${p.deadline.toISOString()}; the review was not recorded`, "id");
    const duties = dutiesOf(config, member).filter((d) => p.requires.includes(d));
    if (p.requires.length === 0) throw new ServiceError("RULE_VIOLATION", `proposal ${id} requires no review`, "id");
    const duty = input.duty ?? duties[0];
    if (!duty || !duties.includes(duty))
      throw new ServiceError(
        "FORBIDDEN",
        `the ${p.requires.join(" or ")} review is recorded by the member holding that duty (governance-quorum-rules.json reviewers)`,
      );
    await tx`
      INSERT INTO reviews (proposal_id, duty, member, verdict, note, actor) VALUES (${id}, ${duty}, ${member}, ${input.verdict}, ${scrubText(input.note ?? "")}, ${ctx.actor.label})
      ON CONFLICT (proposal_id, duty) DO UPDATE SET verdict = EXCLUDED.verdict, note = EXCLUDED.note, actor = EXCLUDED.actor, at = now()`;
    await logEvent(tx, id, "reviewed", ctx.actor.label, member, { duty, verdict: input.verdict, note: input.note ?? "" });
    await writeAudit(tx, ctx, { action: "proposal.review", targetType: "proposal", targetId: String(id), after: { duty, verdict: input.verdict } });
  });
  await settle(h, config, id, bus);
}

/** Withdraw an open proposal (its author or an admin), and tell every dashboard. */
export async function withdrawProposal(h: DbHandle, ctx: RequestContext, id: number, bus: FramePublisher): Promise<void> {
  requirePermission(ctx, "proposals:write");
  await h.sql.begin(async (tx) => {
    const [p] = await tx<{ status: string; author: string }[]>`SELECT status, author FROM proposals WHERE id = ${id} FOR UPDATE`;
    if (!p) throw notFound(`proposal ${id}`, "id");
    if (p.status !== "open") throw new ServiceError("CONFLICT", `proposal ${id} is already closed`, "id");
    if (p.author !== ctx.actor.label && !ctx.actor.roles.includes("admin"))
      throw new ServiceError("FORBIDDEN", "only the author or an admin may withdraw a proposal");
    await tx`UPDATE proposals SET status = 'closed', outcome = 'withdrawn', outcome_reason = ${`withdrawn by ${ctx.actor.label}`}, closed_at = now() WHERE id = ${id}`;
    await logEvent(tx, id, "withdrawn", ctx.actor.label, await memberOf(tx, ctx));
    await writeAudit(tx, ctx, { action: "proposal.withdraw", targetType: "proposal", targetId: String(id) });
  });
  await publishProposal(h, bus, id);
}

// ---------------------------------------------------------------------------------------------------------
// Closing and applying

export type CloseResult = { closed: boolean; outcome: Outcome | null; applied: ApplyStatus | null };

/**
 * Close a proposal if it is due (deadline passed, by the database's clock) or decided early, apply its change
 * if it passed, and tell every dashboard when it closed.
 */
export async function closeProposal(h: DbHandle, config: OpsConfig, id: number, bus: FramePublisher): Promise<CloseResult> {
  const result = await closeIfDecided(h, config, id);
  if (result.closed) await publishProposal(h, bus, id);
  return result;
}

/** After a ballot or a review: close if nothing can change the outcome any more, then tell every dashboard. */
async function settle(h: DbHandle, config: OpsConfig, id: number, bus: FramePublisher): Promise<void> {
  await closeIfDecided(h, config, id);
  await publishProposal(h, bus, id);
}

/** Where a proposal stands now, to every dashboard; called once its transactions have committed. */
async function publishProposal(h: DbHandle, bus: FramePublisher, id: number): Promise<void> {
  await bus.publish({ type: "proposal.updated", proposal: await getProposalSummary(h.sql, id) }).catch(() => false);
}

/**
 * The close itself. Ballots are read under the same row lock votes take, so a ballot is either counted here
 * or refused afterwards.
 */
async function closeIfDecided(h: DbHandle, config: OpsConfig, id: number): Promise<CloseResult> {
  const closed = await h.sql.begin(async (tx) => {
    const row = await readRow(tx, id, true);
    if (row.status !== "open") return null;
    const [clock] = await tx<{ due: boolean }[]>`SELECT now() >= ${row.deadline} AS due`;
    const due = clock!.due;
    const given = await tx<Pick<Row<typeof reviews>, "duty" | "verdict">[]>`SELECT duty, verdict FROM reviews WHERE proposal_id = ${id}`;
    const state = {
      threshold: row.threshold,
      tally: { yes: row.yes, no: row.no, abstain: row.abstain, eligible: row.eligible.length },
      reviewsRequired: row.requires,
      reviewsApproved: given.filter((r) => r.verdict === "approve").map((r) => r.duty),
      reviewsRejected: given.filter((r) => r.verdict === "reject").map((r) => r.duty),
      participationQuorum: row.participationQuorum,
    };
    const decision = due ? decideAtDeadline(state) : decideEarly(state);
    if (!decision.decided) return null;
    await tx`UPDATE proposals SET status = 'closed', outcome = ${decision.outcome}, outcome_reason = ${decision.reason}, closed_at = now() WHERE id = ${id}`;
    await logEvent(tx, id, "closed", "governance", null, { outcome: decision.outcome, reason: decision.reason, tally: state.tally, atDeadline: due });
    await writeAudit(tx, systemContext("governance"), {
      action: "proposal.close",
      targetType: "proposal",
      targetId: String(id),
      after: { outcome: decision.outcome, reason: decision.reason, tally: state.tally },
    });
    return { outcome: decision.outcome, change: row.change };
  });
  if (!closed) return { closed: false, outcome: null, applied: null };
  if (closed.outcome !== "passed" || !closed.change) return { closed: true, outcome: closed.outcome, applied: null };
  return { closed: true, outcome: closed.outcome, applied: await applyProposal(h, config, id, closed.change) };
}

/** Apply a passed proposal's change through the same code as a manual change, audited as applied by it. */
async function applyProposal(h: DbHandle, config: OpsConfig, id: number, change: ChangePayload): Promise<ApplyStatus> {
  const ctx = systemContext(`proposal #${id}`);
  let reason: string | null = null;
  try {
    switch (change.kind) {
      case "monitoring-threshold":
        await h.sql.begin(async (tx) => {
          const next = applyThresholdChange(await effectiveThresholds(tx, config), change);
          if (!next.ok) throw new ServiceError("RULE_VIOLATION", next.reason);
          await setThresholds(tx, config, ctx, next.value, `proposal #${id}`);
        });
        break;
      case "auto-heal-toggle": {
        const t = config.fleet.targets.find((x) => x.name === change.target && x.enabled);
        if (!t) throw new ServiceError("RULE_VIOLATION", `${change.target} is no longer a monitored target`);
        await setHealingPaused(h, ctx, change.target, !change.enabled);
        break;
      }
      case "member-change":
        await h.sql.begin(async (tx) => {
          await tx`
            INSERT INTO governance_members (member, active, proposal_id) VALUES (${change.member}, ${change.action === "add"}, ${id})
            ON CONFLICT (member) DO UPDATE SET active = EXCLUDED.active, proposal_id = EXCLUDED.proposal_id, updated_at = now()`;
          await writeAudit(tx, ctx, {
            action: `governance.member.${change.action}`,
            targetType: "member",
            targetId: change.member,
            after: { appliedBy: `proposal #${id}` },
          });
        });
        break;
    }
  } catch (err) {
    reason = err instanceof ServiceError ? err.message : `could not apply: ${(err as Error).message}`;
  }
  const status = reason === null ? "applied" : "failed";
  await h.sql.begin(async (tx) => {
    await tx`UPDATE proposals SET apply_status = ${status}, apply_reason = ${reason}, applied_at = CASE WHEN ${status} = 'applied' THEN now() END WHERE id = ${id}`;
    await logEvent(tx, id, status === "applied" ? "applied" : "apply-failed", `proposal #${id}`, null, { change, reason });
  });
  return status;
}

/** Every open proposal past its deadline: for a worker that was down at the moment, and at start. */
export async function dueProposalIds(sql: Sql): Promise<number[]> {
  const rows = await sql<Pick<Row<typeof proposals>, "id">[]>`SELECT id FROM proposals WHERE status = 'open' AND deadline <= now() ORDER BY deadline`;
  return rows.map((r) => r.id);
}
