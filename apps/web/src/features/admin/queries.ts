import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { InvitedUser, InviteUserBody, TemporaryPassword, UpdateUserBody, UserDeleted, UserList, UserListItem, UserResponse } from "@ops/contract";
import { apiGet, apiSend } from "../../lib/api.ts";
import { authKeys } from "../../lib/query-keys.ts";
import { replaceUser } from "./users.ts";

export const userKeys = {
  all: ["users"] as const,
  list: () => ["users", "list"] as const,
} as const;

const enc = encodeURIComponent;

export function useUsers() {
  return useQuery({
    queryKey: userKeys.list(),
    queryFn: async ({ signal }) => (await apiGet<UserList>("/api/users", { signal })).users,
  });
}

export function useInviteUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (invite: InviteUserBody) => apiSend<InvitedUser>("POST", "/api/users", invite),
    onSuccess: () => qc.invalidateQueries({ queryKey: userKeys.all }),
  });
}

export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UpdateUserBody }) => apiSend<UserResponse>("PATCH", `/api/users/${enc(id)}`, patch),
    onSuccess: ({ user }) => {
      qc.setQueryData<UserListItem[]>(userKeys.list(), (list) => replaceUser(list, user));
      void qc.invalidateQueries({ queryKey: userKeys.all });
      // Editing yourself changes what the header and the permissions say.
      void qc.invalidateQueries({ queryKey: authKeys.me() });
    },
  });
}

export function useResetPassword() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiSend<TemporaryPassword>("POST", `/api/users/${enc(id)}/reset-password`),
    onSuccess: () => qc.invalidateQueries({ queryKey: userKeys.all }),
  });
}

export function useDeleteUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiSend<UserDeleted>("DELETE", `/api/users/${enc(id)}`),
    onSuccess: ({ deleted }) => {
      qc.setQueryData<UserListItem[]>(userKeys.list(), (list) => list?.filter((u) => u.id !== deleted.id));
      void qc.invalidateQueries({ queryKey: userKeys.all });
    },
  });
}
