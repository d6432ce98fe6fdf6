import { useQuery } from "@tanstack/react-query";
import type { QueryClient } from "@tanstack/react-query";
import { apiGet } from "../../lib/api.ts";
import { handoffKey } from "../../lib/query-keys.ts";
import { useRefresh } from "../../lib/ws.ts";
import type { ServerFrame } from "@ops/contract";
import type { Handoff } from "@ops/contract";
import { affectsHandoff } from "./handoff.ts";

export function useHandoff() {
  const refetchInterval = useRefresh();
  return useQuery({
    queryKey: handoffKey,
    queryFn: ({ signal }) => apiGet<Handoff>("/api/handoff", { signal }),
    refetchInterval: Math.min(refetchInterval, 30_000),
  });
}

/** Live frames: anything the handoff lists (incidents, runs, learnings) changed, so it is fetched again. */
export function createHandoffSync(qc: QueryClient): (raw: ServerFrame) => void {
  return (raw) => {
    if (affectsHandoff(raw)) void qc.invalidateQueries({ queryKey: handoffKey });
  };
}
