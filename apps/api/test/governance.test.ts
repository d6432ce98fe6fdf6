import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type Json } from "./harness.ts";

let api: Awaited<ReturnType<typeof startApi>>;
type Caller = Record<string, string>;
let human1: Caller;
let human2: Caller;
let alpha: Caller;
let beta: Caller;
let charlie: Caller;
let examiner: Caller;
let viewer: Caller;
let admin: Caller;

beforeAll(async () => {
  api = await startApi();
  human1 = (await api.signIn(["governance"])).headers;
  human2 = (await api.signIn(["governance"])).headers;
  viewer = (await api.signIn(["viewer"])).headers;
  admin = (await api.signIn(["admin"])).headers;
  alpha = (await api.tokenFor(["governance"], "alpha")).headers;
  beta = (await api.tokenFor(["governance"], "beta")).headers;
  charlie = (await api.tokenFor(["governance"], "charlie")).headers;
  examiner = (await api.tokenFor(["governance"], "examiner")).headers;
});
afterAll(async () => {
  await api?.close();
});

const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) => api.call(method, path, headers, body);
const vote = (who: Caller, id: number, choice: string) => call("POST", `/api/proposals/${id}/votes`, who, { choice });

describe("[GOVERNANCE] proposals over the API", () => {
  it("names the rules, the eligible members and who the caller votes as", async () => {
    const { json } = await call("GET", "/api/governance", alpha);
    expect(json.me).toEqual({ member: "alpha", eligible: true, duties: [] });
    expect(json.eligible).toEqual(expect.arrayContaining(["alpha", "beta", "charlie"]));
    expect(json.eligible).toHaveLength(5); // the triad and the two governance users
    expect(json.categories.tactical).toMatchObject({ threshold: "supermajority", timeoutMinutes: 10, requires: ["examiner"] });
    expect((await call("GET", "/api/governance", examiner)).json.me).toMatchObject({ member: "examiner", eligible: false, duties: ["examiner"] });
  });

  it("derives the category from the change and refuses a mismatch, naming the field", async () => {
    const bad = await call("POST", "/api/proposals", human1, {
      title: "x",
      category: "strategic",
      change: { kind: "monitoring-threshold", metric: "memoryPercent", level: "warning", value: 60 },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.field).toBe("category");
    const unknownTarget = await call("POST", "/api/proposals", human1, { title: "x", change: { kind: "auto-heal-toggle", target: "mallory", enabled: true } });
    expect(unknownTarget.json.field).toBe("change.target");
    const noCategory = await call("POST", "/api/proposals", human1, { title: "x" });
    expect(noCategory.json.field).toBe("category");
    expect((await call("POST", "/api/proposals", viewer, { title: "x", category: "operational" })).status).toBe(403);
  });

  it("an operational threshold change: two humans and one agent pass it, the rest vote, and the change is applied", async () => {
    const opened = await call("POST", "/api/proposals", human1, {
      title: "Warn earlier on memory",
      description: "Lower the memory **warning** threshold to 60 %.",
      change: { kind: "monitoring-threshold", metric: "memoryPercent", level: "warning", value: 60 },
    });
    expect(opened.status).toBe(201);
    const p = opened.json.proposal;
    expect(p).toMatchObject({ category: "operational", threshold: "simple", status: "open", yesNeeded: 3, tally: { yes: 0, no: 0, abstain: 0, eligible: 5 } });
    expect(Date.parse(p.deadline) - Date.parse(p.openedAt)).toBe(5 * 60_000);

    expect((await vote(human1, p.id, "yes")).json.proposal.tally.yes).toBe(1);
    expect((await vote(human1, p.id, "yes")).json.changed).toBe(false);
    await vote(human2, p.id, "no");
    const changed = await vote(human2, p.id, "yes");
    expect(changed.json).toMatchObject({ changed: true, proposal: { tally: { yes: 2, no: 0 } } });
    await vote(alpha, p.id, "yes");
    // 3 of 5 already passes, but ballots may still change: it stays open until everyone has voted or the deadline.
    expect((await call("GET", `/api/proposals/${p.id}`, viewer)).json.proposal.status).toBe("open");
    expect((await vote(admin, p.id, "yes")).status).toBe(403);
    await vote(beta, p.id, "no");
    const last = await vote(charlie, p.id, "abstain");
    expect(last.json.proposal).toMatchObject({
      status: "closed",
      outcome: "passed",
      applyStatus: "applied",
      tally: { yes: 3, no: 1, abstain: 1, eligible: 5 },
    });

    const monitoring = await call("GET", "/api/monitoring", viewer);
    expect(monitoring.json.thresholds.memoryPercent).toEqual({ warning: 60, critical: 90 });
    const late = await vote(charlie, p.id, "yes");
    expect(late.status).toBe(409);
    expect(late.json.message).toContain("closed");

    const audit = await call("GET", "/api/audit?action=settings.thresholds", admin);
    expect(audit.json.entries[0]).toMatchObject({ actor: { label: `proposal #${p.id}` }, after: { appliedBy: `proposal #${p.id}` } });
    const log = await call("GET", `/api/governance/events?proposal=${p.id}`, viewer);
    expect(log.json.events.map((e: Json) => e.kind)).toEqual(["opened", "voted", "voted", "changed-vote", "voted", "voted", "voted", "closed", "applied"]);
    const exported = await call("GET", `/api/governance/events/export?proposal=${p.id}`, viewer);
    const lines = exported.text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Json);
    expect(lines.map((e) => e.kind)).toEqual(log.json.events.map((e: Json) => e.kind));
  });

  it("tactical: 2 of 3 is enough, but not before the examiner's review", async () => {
    const p = (await call("POST", "/api/proposals", human1, { title: "New agent", category: "tactical" })).json.proposal;
    expect(p).toMatchObject({ threshold: "supermajority", requires: ["examiner"], yesNeeded: 4 });
    for (const who of [human1, human2, alpha, beta]) await vote(who, p.id, "yes");
    const all = await vote(charlie, p.id, "no");
    expect(all.json.proposal.status).toBe("open");
    expect((await call("POST", `/api/proposals/${p.id}/reviews`, human1, { verdict: "approve" })).status).toBe(403);
    const reviewed = await call("POST", `/api/proposals/${p.id}/reviews`, examiner, { verdict: "approve", note: "checked" });
    expect(reviewed.json.proposal).toMatchObject({
      status: "closed",
      outcome: "passed",
      reviews: [{ duty: "examiner", member: "examiner", verdict: "approve" }],
    });
  });

  it("strategic: a single no fails unanimity once everyone has voted; withdrawing is the author's", async () => {
    const p = (await call("POST", "/api/proposals", human1, { title: "Change core values", category: "strategic" })).json.proposal;
    for (const who of [human1, human2, alpha, beta]) await vote(who, p.id, "yes");
    const done = await vote(charlie, p.id, "no");
    expect(done.json.proposal).toMatchObject({ status: "closed", outcome: "rejected", outcomeReason: expect.stringContaining("unanimous needs 5") });
    const q = (await call("POST", "/api/proposals", human1, { title: "Withdraw me", category: "operational" })).json.proposal;
    expect((await call("POST", `/api/proposals/${q.id}/withdraw`, human2, {})).status).toBe(403);
    const w = await call("POST", `/api/proposals/${q.id}/withdraw`, human1, {});
    expect(w.json.proposal).toMatchObject({ status: "closed", outcome: "withdrawn" });
  });

  it("lists open proposals first and rejects bad choices naming the field", async () => {
    const open = (await call("POST", "/api/proposals", human2, { title: "Still open", category: "operational" })).json.proposal;
    const list = (await call("GET", "/api/proposals", viewer)).json.proposals as Json[];
    expect(list[0]!.id).toBe(open.id);
    expect(list.slice(1).every((x) => x.status === "closed")).toBe(true);
    const bad = await vote(human1, open.id, "maybe");
    expect(bad.status).toBe(400);
    expect(bad.json.field).toContain("choice");
  });

  it("only an admin binds a token to a member", async () => {
    const res = await call("POST", "/api/tokens", human1, { name: "fake alpha", roles: ["governance"], member: "alpha" });
    expect(res.status).toBe(403);
    expect(res.json.field).toBe("member");
  });
});
