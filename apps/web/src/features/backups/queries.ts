import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { QueryClient } from "@tanstack/react-query";
import { apiGet, apiSend } from "../../lib/api.ts";
import { backupsQuery } from "./backups.ts";
import { normalizeBackup, normalizeTypeStatus, normalizeVerifyResult } from "./types.ts";
import type { Backup, BackupFilter, BackupType, TypeStatus, VerifyResult } from "./types.ts";

export const backupKeys = {
  all: ["backups"] as const,
  status: ["backups", "status"] as const,
  lists: ["backups", "list"] as const,
  list: (filter: BackupFilter) => ["backups", "list", filter] as const,
  detail: (id: string) => ["backups", "detail", id] as const,
} as const;

// There is no live frame for backups: the pages poll.
/** The backups page. */
export const PAGE_POLL_MS = 15_000;
/** The board's banner. */
export const BANNER_POLL_MS = 60_000;
/** While a backup runs. */
export const RUNNING_POLL_MS = 3_000;

const enc = encodeURIComponent;

export async function fetchStatus(signal?: AbortSignal): Promise<TypeStatus[]> {
  const body = await apiGet<{ types: unknown[] }>("/api/backups/status", { signal });
  return (Array.isArray(body.types) ? body.types : []).map(normalizeTypeStatus).filter((t): t is TypeStatus => t !== null);
}

export async function fetchBackups(filter: BackupFilter, signal?: AbortSignal): Promise<Backup[]> {
  const body = await apiGet<{ backups: unknown[] }>(`/api/backups?${backupsQuery(filter)}`, { signal });
  return (Array.isArray(body.backups) ? body.backups : []).map(normalizeBackup).filter((b) => b.id !== "");
}

export async function fetchBackup(id: string, signal?: AbortSignal): Promise<Backup> {
  const body = await apiGet<{ backup: unknown }>(`/api/backups/${enc(id)}`, { signal });
  return normalizeBackup(body.backup);
}

/** Per type: schedule, last success and failure, verification, size trend. Faster while a backup runs. */
export function useBackupStatus(opts: { pollMs: number; enabled?: boolean }) {
  return useQuery({
    queryKey: backupKeys.status,
    queryFn: ({ signal }) => fetchStatus(signal),
    enabled: opts.enabled ?? true,
    refetchInterval: (q) => (q.state.data?.some((t) => t.running) ? Math.min(RUNNING_POLL_MS, opts.pollMs) : opts.pollMs),
  });
}

export function useBackups(filter: BackupFilter) {
  return useQuery({
    queryKey: backupKeys.list({ ...filter }),
    queryFn: ({ signal }) => fetchBackups(filter, signal),
    refetchInterval: (q) => (q.state.data?.some((b) => b.status === "running") ? RUNNING_POLL_MS : PAGE_POLL_MS),
  });
}

export function useBackup(id: string) {
  return useQuery({
    queryKey: backupKeys.detail(id),
    queryFn: ({ signal }) => fetchBackup(id, signal),
    refetchInterval: (q) => (q.state.data?.status === "running" ? RUNNING_POLL_MS : false),
  });
}

/** After anything changed a backup: the status and the lists are fetched again. */
export function refreshBackups(qc: QueryClient): void {
  void qc.invalidateQueries({ queryKey: backupKeys.status });
  void qc.invalidateQueries({ queryKey: backupKeys.lists });
}

/** A verified backup from an answer: the detail replaced, the rest fetched again. */
export function syncVerified(qc: QueryClient, result: VerifyResult): void {
  if (result.backup.id) qc.setQueryData<Backup>(backupKeys.detail(result.backup.id), result.backup);
  refreshBackups(qc);
}

export type QueuedBackup = { queued: boolean; type: BackupType; jobId: string };

/** Back up now: a job; the worker starts it a moment later, so the status is fetched again then too. */
export function useBackupNow() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (type: BackupType) => apiSend<QueuedBackup>("POST", "/api/backups", { type }),
    onSuccess: () => {
      refreshBackups(qc);
      setTimeout(() => refreshBackups(qc), 1_500);
    },
  });
}

/** Verify now (checksums, a scratch restore for databases): may take a few seconds. */
export function useVerifyBackup(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (): Promise<VerifyResult> => normalizeVerifyResult(await apiSend<unknown>("POST", `/api/backups/${enc(id)}/verify`, {})),
    onSuccess: (result) => syncVerified(qc, result),
  });
}
