import { Status } from "@ops/contract";
import type { TargetView } from "@ops/contract";

/**
 * The board's shapes are the contract's (packages/contract/src/targets.ts): the API validates every answer
 * against them on the way out, so the dashboard takes its JSON as they are. `Target` and `Status` are kept as
 * names here for the pages that show targets.
 */
export type Target = TargetView;
export type { Status };

export type EventFilter = { target?: string; limit?: number };

export function isStatus(v: unknown): v is Status {
  return Status.safeParse(v).success;
}
