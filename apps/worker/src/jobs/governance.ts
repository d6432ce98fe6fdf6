import { JOBS, closeProposal, dueProposalIds, getProposalSummary } from "@ops/core";
import type { WorkerRuntime } from "../runtime.ts";

async function closeAndPublish(rt: WorkerRuntime, id: number) {
  const result = await closeProposal(rt.db, rt.config, id);
  if (result.closed) await rt.bus.publish({ type: "proposal.updated", proposal: await getProposalSummary(rt.db.sql, id) });
  return result;
}

/** The delayed job at a proposal's deadline. */
export async function runProposalCloseJob(rt: WorkerRuntime, data: unknown) {
  const { proposalId } = JOBS.proposalClose.payload.parse(data);
  return closeAndPublish(rt, proposalId);
}

/** Proposals past their deadline that are still open (every worker was down at that moment). */
export async function closeDueProposals(rt: WorkerRuntime): Promise<number> {
  let n = 0;
  for (const id of await dueProposalIds(rt.db.sql)) if ((await closeAndPublish(rt, id)).closed) n++;
  return n;
}
