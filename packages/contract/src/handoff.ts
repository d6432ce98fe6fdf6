/** The on-call handoff (`/api/handoff`): what the next engineer needs at shift start. */
import { z } from "zod";
import { IncidentView } from "./incidents.ts";
import { LearningSummary, PromotionView } from "./learnings.ts";
import { RunSummary } from "./runbooks.ts";

/** A watchdog restart of the last 24 hours. */
export const HandoffRestart = z.object({
  id: z.number().int(),
  target: z.string(),
  attempt: z.number().int(),
  status: z.string(),
  startedAt: z.string(),
  reason: z.string(),
});
export type HandoffRestart = z.infer<typeof HandoffRestart>;

export const Handoff = z.object({
  openIncidents: z.array(IncidentView),
  learnings: z.array(LearningSummary).describe("pending and in-progress learnings of high or critical priority"),
  restarts: z.array(HandoffRestart),
  checklist: z.array(PromotionView).describe("the handoff checklist: promotions of kind handoff not yet done"),
  runs: z.array(RunSummary).describe("runbook runs still going: running, waiting, queued"),
});
export type Handoff = z.infer<typeof Handoff>;
