import type { CreatedToken, CreateTokenBody, TokenList } from "@ops/contract";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiGet, apiSend } from "../../lib/api.ts";

export const tokenKeys = {
  all: ["tokens"] as const,
  list: () => ["tokens", "list"] as const,
} as const;

export function useTokens() {
  return useQuery({
    queryKey: tokenKeys.list(),
    queryFn: async ({ signal }) => (await apiGet<TokenList>("/api/tokens", { signal })).tokens,
  });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTokenBody) => apiSend<CreatedToken>("POST", "/api/tokens", body),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokenKeys.all }),
  });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiSend("DELETE", `/api/tokens/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokenKeys.all }),
  });
}
