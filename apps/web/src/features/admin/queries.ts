import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiGet, apiSend } from "../../lib/api.ts";
import type { Role } from "../../lib/identity.ts";
import { authKeys } from "../../lib/query-keys.ts";
import { replaceUser } from "./users.ts";
import type { Invite, User } from "./users.ts";

export const userKeys = {
  all: ["users"] as const,
  list: () => ["users", "list"] as const,
} as const;

const enc = encodeURIComponent;

export function useUsers() {
  return useQuery({
    queryKey: userKeys.list(),
    queryFn: async ({ signal }) => {
      const body = await apiGet<{ users: User[] }>("/api/users", { signal });
      return Array.isArray(body.users) ? body.users : [];
    },
  });
}

export function useInviteUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (invite: Invite) => apiSend<{ user: User; temporaryPassword: string }>("POST", "/api/users", invite),
    onSuccess: () => qc.invalidateQueries({ queryKey: userKeys.all }),
  });
}

export type UserPatch = { displayName?: string; roles?: Role[]; disabled?: boolean };

export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UserPatch }) => apiSend<{ user: User }>("PATCH", `/api/users/${enc(id)}`, patch),
    onSuccess: ({ user }) => {
      qc.setQueryData<User[]>(userKeys.list(), (list) => replaceUser(list, user));
      void qc.invalidateQueries({ queryKey: userKeys.all });
      // Editing yourself changes what the header and the permissions say.
      void qc.invalidateQueries({ queryKey: authKeys.me() });
    },
  });
}

export function useResetPassword() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiSend<{ temporaryPassword: string }>("POST", `/api/users/${enc(id)}/reset-password`),
    onSuccess: () => qc.invalidateQueries({ queryKey: userKeys.all }),
  });
}
