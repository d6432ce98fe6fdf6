import type { ConfigRestoreAnswer, ConfigStatus, ConfigStatusAnswer, ConfigVersionAnswer } from "@ops/contract";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, apiGet, apiSend } from "../../lib/api.ts";
import { configKeys } from "../../lib/query-keys.ts";

const enc = encodeURIComponent;

/** The target's config status, or null when it has no config file the console knows (the API's 404). */
export async function fetchConfigStatus(target: string, signal?: AbortSignal): Promise<ConfigStatus | null> {
  try {
    return (await apiGet<ConfigStatusAnswer>(`/api/targets/${enc(target)}/config`, { signal })).config;
  } catch (err) {
    if (err instanceof ApiError && err.isNotFound) return null;
    throw err;
  }
}

// Snapshots are taken once a minute at most; the doctor's restore moves the target's healing state, which refetches too.
const REFRESH_MS = 60_000;

export function useConfigStatus(target: string) {
  return useQuery({
    queryKey: configKeys.status(target),
    queryFn: ({ signal }) => fetchConfigStatus(target, signal),
    refetchInterval: REFRESH_MS,
  });
}

export function useConfigVersion(target: string, version: number | null) {
  return useQuery({
    queryKey: configKeys.version(target, version ?? 0),
    queryFn: async ({ signal }) => (await apiGet<ConfigVersionAnswer>(`/api/targets/${enc(target)}/config/versions/${version ?? 0}`, { signal })).version,
    enabled: version != null,
    staleTime: Infinity,
  });
}

/** Puts the last good copy (or the given version) back; the target is not restarted. On-call only. */
export function useRestoreConfig(target: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (version?: number) =>
      apiSend<ConfigRestoreAnswer>("POST", `/api/targets/${enc(target)}/config/restore`, version === undefined ? {} : { version }),
    onSuccess: (r) => {
      qc.setQueryData<ConfigStatus | null>(configKeys.status(target), r.config);
      void qc.invalidateQueries({ queryKey: configKeys.status(target) });
    },
  });
}
