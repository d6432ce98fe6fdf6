import { loadConfig, type OpsConfig } from "@ops/config";
import { createDb, prepareDatabase, type DbHandle } from "@ops/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { castBallot, closeProposal, getProposal, listGovernanceEvents, openProposal } from "../src/governance/governance.ts";
import type { BusFrame, FramePublisher } from "../src/bus.ts";
import type { RequestContext } from "../src/identity/context.ts";
import { openTestStack, writeTestConfig } from "../src/testing.ts";

let stack: Awaited<ReturnType<typeof openTestStack>>;
let pool: DbHandle;
let config: OpsConfig;
const cfg = writeTestConfig({
  governance: (g) => {
    g.eligibleVoters = ["alpha", "beta", "charlie"];
    // A deadline a test can wait for: 6 s, so on a busy machine the ballots timed from 1.5 s before it are
    // still ahead of it after the proposal is opened (at about 2 s, a loaded machine started them all late).
    (g.categories as Record<string, { timeoutMinutes: number }>).emergency!.timeoutMinutes = 0.1;
  },
});
const MEMBERS = 1000;
const users: { id: string; email: string }[] = [];

/** A context for a user, as the API would build it after sign-in. */
const as = (u: { id: string; email: string }): RequestContext => ({
  actor: { type: "user", id: u.id, label: u.email, roles: ["governance"], sessionHash: null },
  ip: null,
  userAgent: null,
  requestId: null,
});
const author = (): RequestContext => as(users[0]!);
/** The frames the verbs publish, as the bus would carry them to every dashboard. */
const frames: BusFrame[] = [];
const bus: FramePublisher = {
  publish: async (frame) => {
    frames.push(frame);
    return true;
  },
};

beforeAll(async () => {
  stack = await openTestStack();
  await prepareDatabase(stack.databaseUrl);
  // A wider pool than the default, so ballots really arrive in parallel.
  pool = createDb(stack.databaseUrl, { max: 20, applicationName: "governance-test" });
  config = loadConfig(cfg.dir);
  // 1,000 human members with the governance role (inserted directly: hashing 1,000 passwords is not the point here).
  const rows = await pool.sql<{ id: string; email: string }[]>`
    INSERT INTO users (email, display_name, password_hash, roles)
    SELECT 'member' || lpad(n::text, 4, '0') || '@test.local', 'Member ' || n, 'x', '{governance}'::text[] FROM generate_series(1, ${MEMBERS}) n
    RETURNING id, email`;
  users.push(...rows.sort((a, b) => a.email.localeCompare(b.email)));
}, 60_000);
afterAll(async () => {
  await pool?.close();
  await stack?.close();
  cfg.remove();
});

describe("[GOVERNANCE] ballots under concurrency", () => {
  it("1,000 concurrent duplicate ballots from one member count once", async () => {
    const id = await openProposal(pool, config, author(), { title: "duplicates", description: "", category: "operational" }, bus);
    const member = as(users[1]!);
    const results = await Promise.all(Array.from({ length: 1000 }, () => castBallot(pool, member, id, "yes")));
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    const p = await getProposal(pool, config, member, id);
    expect(p.tally).toEqual({ yes: 1, no: 0, abstain: 0, eligible: 3 + MEMBERS });
    const [row] = await pool.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM ballots WHERE proposal_id = ${id}`;
    expect(row!.n).toBe(1);
    const events = await listGovernanceEvents(pool, { proposal: id, limit: 5000 });
    expect(events.filter((e) => e.kind === "voted")).toHaveLength(1);
  }, 60_000);

  it("1,000 members voting in parallel count 1,000, and a changed ballot counts once as its last choice", async () => {
    const id = await openProposal(pool, config, author(), { title: "everyone", description: "", category: "operational" }, bus);
    const results = await Promise.all(users.map((u, i) => castBallot(pool, as(u), id, i % 4 === 0 ? "no" : "yes")));
    expect(results.every((r) => r.changed)).toBe(true);
    let p = await getProposal(pool, config, author(), id);
    expect(p.tally).toEqual({ yes: 750, no: 250, abstain: 0, eligible: 3 + MEMBERS });
    await castBallot(pool, as(users[0]!), id, "abstain");
    p = await getProposal(pool, config, author(), id);
    expect(p.tally).toMatchObject({ yes: 750, no: 249, abstain: 1 });
    const changes = (await listGovernanceEvents(pool, { proposal: id, limit: 5000 })).filter((e) => e.kind === "changed-vote");
    expect(changes).toEqual([expect.objectContaining({ member: users[0]!.email, details: { from: "no", to: "abstain" } })]);
    // 750 of 1,003 is a simple majority; the triad has not voted, so nothing closes early.
    expect((await closeProposal(pool, config, id, bus)).closed).toBe(false);
  }, 120_000);

  it("ballots racing the deadline are counted before the close or refused, never after", async () => {
    const id = await openProposal(pool, config, author(), { title: "race", description: "", category: "emergency" }, bus);
    const { deadline } = await getProposal(pool, config, author(), id);
    const end = Date.parse(deadline);
    const accepted: string[] = [];
    const refused: string[] = [];
    // 400 members vote at moments spread from 1.5 s before the deadline to 1 s after it.
    const voters = users.slice(0, 400);
    const closing = (async () => {
      await new Promise((r) => setTimeout(r, Math.max(0, end - Date.now())));
      return closeProposal(pool, config, id, bus);
    })();
    await Promise.all(
      voters.map(async (u, i) => {
        const at = end - 1500 + Math.floor((i / voters.length) * 2500);
        await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
        try {
          await castBallot(pool, as(u), id, "yes");
          accepted.push(u.email);
        } catch (err) {
          expect((err as { code?: string }).code).toBe("CONFLICT");
          refused.push(u.email);
        }
      }),
    );
    const closed = await closing;
    expect(closed.closed).toBe(true);
    expect(frames).toContainEqual({
      type: "proposal.updated",
      proposal: expect.objectContaining({ id, status: "closed", tally: expect.objectContaining({ yes: accepted.length }) }),
    });
    expect(accepted.length + refused.length).toBe(voters.length);
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    const p = await getProposal(pool, config, author(), id);
    expect(p.status).toBe("closed");
    // Every accepted ballot is in the tally the close computed, and no refused one is.
    expect(p.tally.yes).toBe(accepted.length);
    expect(new Set(p.voted)).toEqual(new Set(accepted));
    const [late] = await pool.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM ballots b JOIN proposals p ON p.id = b.proposal_id WHERE p.id = ${id} AND (b.cast_at >= p.deadline OR b.cast_at > p.closed_at)`;
    expect(late!.n).toBe(0);
    const [closedEvent] = (await listGovernanceEvents(pool, { proposal: id, limit: 5000 })).filter((e) => e.kind === "closed");
    expect(closedEvent?.details).toMatchObject({ tally: { yes: accepted.length }, atDeadline: true });
  }, 60_000);
});
