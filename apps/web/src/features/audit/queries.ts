import type { AuditList, SecurityEventList } from "@ops/contract";
import { useInfiniteQuery } from "@tanstack/react-query";
import { apiGet } from "../../lib/api.ts";
import { auditQuery, nextCursor, securityQuery } from "./audit.ts";
import type { AuditFilter, SecurityFilter } from "./audit.ts";

export const auditKeys = {
  all: ["audit"] as const,
  log: (filter: AuditFilter) => ["audit", "log", filter] as const,
  security: (filter: SecurityFilter) => ["audit", "security", filter] as const,
} as const;

export function useAuditLog(filter: AuditFilter) {
  return useInfiniteQuery({
    queryKey: auditKeys.log(filter),
    queryFn: async ({ pageParam, signal }) => {
      return (await apiGet<AuditList>(`/api/audit?${auditQuery(filter, pageParam)}`, { signal })).entries;
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => nextCursor(last),
  });
}

export function useSecurityLog(filter: SecurityFilter) {
  return useInfiniteQuery({
    queryKey: auditKeys.security(filter),
    queryFn: async ({ pageParam, signal }) => {
      return (await apiGet<SecurityEventList>(`/api/security-events?${securityQuery(filter, pageParam)}`, { signal })).events;
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => nextCursor(last),
  });
}
