import { useQuery } from "@tanstack/react-query";
import { apiGet } from "./api.ts";
import type { TargetsResponse, TargetView } from "@ops/contract";
import { useLiveState } from "./ws.ts";

export const targetsKey = ["targets"] as const;

export async function fetchTargets(signal?: AbortSignal): Promise<TargetView[]> {
  return (await apiGet<TargetsResponse>("/api/targets", { signal })).targets;
}

// While the socket is live it feeds the cache; polling is only the fallback when it is not.
export const POLL_MS = 15_000;

export function useTargets(opts: { enabled?: boolean } = {}) {
  const live = useLiveState().status === "live";
  return useQuery({
    queryKey: targetsKey,
    queryFn: ({ signal }) => fetchTargets(signal),
    enabled: opts.enabled ?? true,
    staleTime: live ? Infinity : 5_000,
    refetchInterval: live ? false : POLL_MS,
  });
}
