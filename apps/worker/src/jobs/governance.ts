import { JOBS, closeProposal, dueProposalIds } from "@ops/core";
import type { WorkerRuntime } from "../runtime.ts";

/** The delayed job at a proposal's deadline; the close tells every dashboard itself. */
export async function runProposalCloseJob(rt: WorkerRuntime, data: unknown) {
  const { proposalId } = JOBS.proposalClose.payload.parse(data);
  return closeProposal(rt.db, rt.config, proposalId, rt.bus);
}

/** Proposals past their deadline that are still open (every worker was down at that moment). */
export async function closeDueProposals(rt: WorkerRuntime): Promise<number> {
  let n = 0;
  for (const id of await dueProposalIds(rt.db.sql)) if ((await closeProposal(rt.db, rt.config, id, rt.bus)).closed) n++;
  return n;
}
