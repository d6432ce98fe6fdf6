import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { endSession } from "../features/auth/queries.ts";
import { isSessionLoss } from "../features/auth/redirect.ts";
import { shouldRetry } from "../lib/api.ts";

export function createQueryClient(): QueryClient {
  // Any 401 anywhere means the session is gone: one place sends the user to the login page.
  const qc: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        if (isSessionLoss(error)) endSession(qc);
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _vars, _ctx, mutation) => {
        if (isSessionLoss(error, mutation.meta)) endSession(qc);
      },
    }),
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        retryDelay: (n) => Math.min(1000 * 2 ** n, 10_000),
      },
    },
  });
  return qc;
}
