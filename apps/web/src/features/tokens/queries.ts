import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiGet, apiSend } from "../../lib/api.ts";
import type { NewToken, Token } from "./tokens.ts";

export const tokenKeys = {
  all: ["tokens"] as const,
  list: () => ["tokens", "list"] as const,
} as const;

export function useTokens() {
  return useQuery({
    queryKey: tokenKeys.list(),
    queryFn: async ({ signal }) => {
      const body = await apiGet<{ tokens: Token[] }>("/api/tokens", { signal });
      return Array.isArray(body.tokens) ? body.tokens : [];
    },
  });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: NewToken) => apiSend<{ token: Token; secret: string }>("POST", "/api/tokens", body),
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
