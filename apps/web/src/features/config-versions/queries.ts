import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, apiGet, apiSend } from "../../lib/api.ts";
import { configKeys } from "../../lib/query-keys.ts";
import type { ConfigStatus, ConfigVersion, RestoreResult } from "./types.ts";

const enc = encodeURIComponent;

/** The target's config status, or null when it has no config file the console knows (the API's 404). */
export async function fetchConfigStatus(target: string, signal?: AbortSignal): Promise<ConfigStatus | null> {
  try {
    const body = await apiGet<{ config: ConfigStatus }>(`/api/targets/${enc(target)}/config`, { signal });
    const c = body.config;
    return { ...c, versions: Array.isArray(c.versions) ? c.versions : [], validation: c.validation ? { ...c.validation, issues: c.validation.issues ?? [] } : null };
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
    queryFn: async ({ signal }) => (await apiGet<{ version: ConfigVersion }>(`/api/targets/${enc(target)}/config/versions/${version ?? 0}`, { signal })).version,
    enabled: version != null,
    staleTime: Infinity,
  });
}

/** Puts the last good copy (or the given version) back; the target is not restarted. On-call only. */
export function useRestoreConfig(target: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (version?: number) => apiSend<RestoreResult>("POST", `/api/targets/${enc(target)}/config/restore`, version === undefined ? {} : { version }),
    onSuccess: (r) => {
      qc.setQueryData<ConfigStatus | null>(configKeys.status(target), r.config);
      void qc.invalidateQueries({ queryKey: configKeys.status(target) });
    },
  });
}
