import type {
  BackupDetail,
  BackupList,
  BackupNowBody,
  BackupStatusList,
  BackupType,
  BackupTypeStatus,
  BackupVerification,
  BackupView,
  QueuedBackup,
} from "@ops/contract";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { QueryClient } from "@tanstack/react-query";
import { apiGet, apiSend } from "../../lib/api.ts";
import { backupsQuery } from "./backups.ts";
import type { BackupFilter } from "./backups.ts";

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

export async function fetchStatus(signal?: AbortSignal): Promise<BackupTypeStatus[]> {
  return (await apiGet<BackupStatusList>("/api/backups/status", { signal })).types;
}

export async function fetchBackups(filter: BackupFilter, signal?: AbortSignal): Promise<BackupView[]> {
  return (await apiGet<BackupList>(`/api/backups?${backupsQuery(filter)}`, { signal })).backups;
}

export async function fetchBackup(id: string, signal?: AbortSignal): Promise<BackupView> {
  return (await apiGet<BackupDetail>(`/api/backups/${enc(id)}`, { signal })).backup;
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
export function syncVerified(qc: QueryClient, result: BackupVerification): void {
  qc.setQueryData<BackupView>(backupKeys.detail(result.backup.id), result.backup);
  refreshBackups(qc);
}

/** Back up now: a job; the worker starts it a moment later, so the status is fetched again then too. */
export function useBackupNow() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (type: BackupType) => apiSend<QueuedBackup>("POST", "/api/backups", { type } satisfies BackupNowBody),
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
    mutationFn: () => apiSend<BackupVerification>("POST", `/api/backups/${enc(id)}/verify`, {}),
    onSuccess: (result) => syncVerified(qc, result),
  });
}
