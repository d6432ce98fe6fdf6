import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { proposal, summary } from "./fixtures.test-util.ts";
import { createProposalSync, governanceKeys, syncProposal } from "./queries.ts";
import type { GovernanceEvent, ProposalSummary } from "@ops/contract";
import type { Proposal } from "./governance.ts";
import { frame } from "../../lib/frames.test-util.ts";

function setup() {
  const qc = new QueryClient();
  const all = { limit: 50 };
  const open = { status: "open" as const, limit: 50 };
  qc.setQueryData<ProposalSummary[]>(governanceKeys.list(all), [summary(4), summary(7), summary(2, { status: "closed", outcome: "rejected" })]);
  qc.setQueryData<ProposalSummary[]>(governanceKeys.list(open), [summary(4), summary(7)]);
  qc.setQueryData<Proposal>(governanceKeys.detail(4), proposal(4, { clockOffsetMs: 1500 }));
  qc.setQueryData<GovernanceEvent[]>(governanceKeys.events(4), []);
  return { qc, sync: createProposalSync(qc), all, open };
}

const ids = (list: ProposalSummary[] | undefined) => list?.map((p) => `${p.id}:${p.status}`);
const tally = { yes: 3, no: 1, abstain: 0, eligible: 5 };

describe("createProposalSync", () => {
  it("updates every cached list, merges the summary into the detail and fetches it again for its ballots", () => {
    const { qc, sync, all, open } = setup();
    sync({ type: "proposal.updated", proposal: summary(4, { status: "closed", outcome: "passed", tally }) });
    expect(ids(qc.getQueryData(governanceKeys.list(all)))).toEqual(["7:open", "4:closed", "2:closed"]);
    expect(ids(qc.getQueryData(governanceKeys.list(open)))).toEqual(["7:open"]);
    const d = qc.getQueryData<Proposal>(governanceKeys.detail(4));
    expect(d?.tally).toEqual(tally);
    expect(d?.outcome).toBe("passed");
    expect(d?.ballots.length).toBe(1);
    expect(d?.clockOffsetMs).toBe(1500);
    expect(qc.getQueryState(governanceKeys.detail(4))?.isInvalidated).toBe(true);
    expect(qc.getQueryState(governanceKeys.events(4))?.isInvalidated).toBe(true);
  });

  it("adds a new proposal to the lists it matches, by deadline", () => {
    const { qc, sync, all } = setup();
    sync({ type: "proposal.updated", proposal: summary(9, { deadline: summary(4).deadline.replace(/\.\d+Z$/, ".000Z") }) });
    expect(qc.getQueryData<ProposalSummary[]>(governanceKeys.list(all))?.map((p) => p.id)).toEqual([9, 4, 7, 2]);
    expect(qc.getQueryData<Proposal>(governanceKeys.detail(9))).toBeUndefined();
  });

  it("refetches a detail that is known but not yet loaded", () => {
    const { qc, sync } = setup();
    qc.getQueryCache().build(qc, { queryKey: governanceKeys.detail(11) });
    sync({ type: "proposal.updated", proposal: summary(11) });
    expect(qc.getQueryState(governanceKeys.detail(11))?.isInvalidated).toBe(true);
  });

  it("refetches everything after a reconnect and ignores other frames", () => {
    const { qc, sync, all } = setup();
    const invalidated = () => [governanceKeys.list(all), governanceKeys.detail(4)].map((key) => qc.getQueryState(key)?.isInvalidated);
    sync(frame({ type: "postmortem.updated", postmortem: { id: 4 } }));
    expect(invalidated()).toEqual([false, false]);
    sync(frame({ type: "snapshot", targets: [] }));
    expect(invalidated()).toEqual([true, true]);
  });

  it("does not let an answer that left before a frame overwrite it: the fetch in flight starts again", async () => {
    const { qc, sync } = setup();
    let answerStale: (p: Proposal) => void = () => {};
    // The first fetch answers late with the state from before the frame; the one started again has the new ballots.
    const answers = [
      new Promise<Proposal>((r) => (answerStale = r)),
      Promise.resolve(proposal(4, { tally, voted: ["alpha", "beta", "charlie", "grace@x.local"] })),
    ];
    const fetching = qc.fetchQuery({ queryKey: governanceKeys.detail(4), staleTime: 0, queryFn: () => answers.shift()! });
    sync({ type: "proposal.updated", proposal: summary(4, { tally }) });
    answerStale(proposal(4, { tally: { yes: 1, no: 0, abstain: 0, eligible: 5 } }));
    await fetching.catch(() => {});
    await new Promise((r) => setTimeout(r, 0));
    expect(qc.getQueryData<Proposal>(governanceKeys.detail(4))).toMatchObject({ tally, voted: ["alpha", "beta", "charlie", "grace@x.local"] });
  });
});

describe("syncProposal", () => {
  it("replaces the detail with an answer and puts its summary into the lists", () => {
    const { qc, all } = setup();
    syncProposal(qc, proposal(7, { tally, me: { member: "ada@x.local", eligible: true, ballot: "yes", duties: [] } }));
    expect(qc.getQueryData<Proposal>(governanceKeys.detail(7))?.me.ballot).toBe("yes");
    const row = qc.getQueryData<ProposalSummary[]>(governanceKeys.list(all))?.find((p) => p.id === 7);
    expect(row?.tally).toEqual(tally);
    expect(row && "ballots" in row).toBe(false);
  });
});
