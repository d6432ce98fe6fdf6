import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { QueryClient } from "@tanstack/react-query";
import type { LoginBody, MeResponse, PasswordChangeBody, UserResponse } from "@ops/contract";
import { apiGet, apiSend } from "../../lib/api.ts";
import { authKeys } from "../../lib/query-keys.ts";
import { currentHref, navigate } from "../../lib/router.tsx";
import { pathOf } from "../../lib/routes.ts";
import { isLoginPath, isSessionLoss, LOGIN_PATH, loginHref } from "./redirect.ts";

export function fetchMe(signal?: AbortSignal): Promise<MeResponse> {
  return apiGet<MeResponse>("/api/auth/me", { signal });
}

export function useMe(opts: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: authKeys.me(),
    queryFn: ({ signal }) => fetchMe(signal),
    staleTime: 30_000,
    refetchInterval: opts.refetchInterval,
  });
}

/** The session is gone: forget everything cached for it and go to the login page. */
export function endSession(qc: QueryClient): void {
  const here = currentHref();
  if (isLoginPath(pathOf(here))) return;
  navigate(loginHref(here), { replace: true });
  qc.clear();
}

/** Asks the API whether the session still stands; a 401 reaches endSession through the query cache. */
export function checkSession(qc: QueryClient): void {
  qc.fetchQuery({ queryKey: authKeys.me(), queryFn: ({ signal }) => fetchMe(signal), staleTime: 0, retry: false }).catch(() => {});
}

function mutationsSettled(qc: QueryClient, mutationKey: readonly unknown[]): Promise<void> {
  if (qc.isMutating({ mutationKey }) === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribe = qc.getMutationCache().subscribe(() => {
      if (qc.isMutating({ mutationKey }) > 0) return;
      unsubscribe();
      resolve();
    });
  });
}

/**
 * The server closed the live stream because a session ended. A password change in this browser
 * rotates the session (the old socket closes, the new cookie is good), so ask before leaving.
 */
export async function confirmSessionEnded(qc: QueryClient, stillSignedIn: () => void): Promise<void> {
  await mutationsSettled(qc, authKeys.password());
  try {
    await qc.fetchQuery({ queryKey: authKeys.me(), queryFn: ({ signal }) => fetchMe(signal), staleTime: 0, retry: false });
    stillSignedIn();
  } catch (err) {
    // A 401 has already been handled by the query cache.
    if (!isSessionLoss(err)) endSession(qc);
  }
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: LoginBody) => {
      await apiSend<UserResponse>("POST", "/api/auth/login", body);
      return fetchMe();
    },
    meta: { ownsUnauthenticated: true },
    onSuccess: (me) => {
      // Nothing cached under an earlier session may leak into this one.
      qc.removeQueries();
      qc.setQueryData(authKeys.me(), me);
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiSend("POST", "/api/auth/logout"),
    onSuccess: () => {
      navigate(LOGIN_PATH, { replace: true });
      qc.clear();
    },
  });
}

export function useChangePassword() {
  const qc = useQueryClient();
  return useMutation({
    mutationKey: authKeys.password(),
    mutationFn: (body: PasswordChangeBody) => apiSend("POST", "/api/auth/password", body),
    onSuccess: () => qc.invalidateQueries({ queryKey: authKeys.me() }),
  });
}
