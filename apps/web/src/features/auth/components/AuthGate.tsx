import { useEffect } from "react";
import type { ReactNode } from "react";
import { ApiError, errorMessage } from "../../../lib/api.ts";
import { navigate } from "../../../lib/router.tsx";
import type { Route } from "../../../lib/routes.ts";
import { can, SessionContext } from "../../../lib/session.ts";
import { useLiveConnection } from "../../../lib/ws.ts";
import { useMe } from "../queries.ts";
import { accountHref, loginHref } from "../redirect.ts";

const MAX_TIMER_MS = 2_147_483_647;

function expiryDelay(session: { idleExpiresAt: string; expiresAt: string } | null): number | null {
  if (!session) return null;
  const t = Math.min(Date.parse(session.idleExpiresAt), Date.parse(session.expiresAt));
  if (Number.isNaN(t)) return null;
  return Math.min(Math.max(t - Date.now() + 1000, 1000), MAX_TIMER_MS);
}

/** Renders the app only for a signed-in user; sends everyone else to the login page. */
export function AuthGate({ route, href, children }: { route: Route; href: string; children: ReactNode }) {
  const me = useMe();
  const live = useLiveConnection();
  const data = me.data;
  const mustChange = data?.user.mustChangePassword === true;
  const unauthenticated = !data && me.error instanceof ApiError && me.error.isUnauthenticated;

  let redirect: string | null = null;
  if (unauthenticated) redirect = loginHref(href);
  else if (mustChange && route.name !== "account") redirect = accountHref(href);

  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);

  // The stream needs a full session that may read targets; a user who must change the password has not got one yet.
  const ready = data !== undefined && !mustChange && can(data, "targets:read");
  useEffect(() => {
    if (!ready || !live) return;
    live.start();
    return () => live.stop();
  }, [ready, live]);

  // Ask again when the session is due to expire, so an idle board does not sit on a dead session.
  const { refetch } = me;
  const session = data?.session ?? null;
  useEffect(() => {
    const delay = expiryDelay(session);
    if (delay == null) return;
    const timer = setTimeout(() => void refetch(), delay);
    return () => clearTimeout(timer);
  }, [session, refetch]);

  if (!data) {
    if (me.isError && !unauthenticated) {
      return (
        <div className="gate">
          <div className="panel panel--error" role="alert" data-testid="session-error">
            <h1>Cannot check your session</h1>
            <p>{errorMessage(me.error)}</p>
            <p>
              <button type="button" className="btn" onClick={() => void me.refetch()}>
                Try again
              </button>
            </p>
          </div>
        </div>
      );
    }
    return (
      <div className="gate gate--loading" data-testid="auth-loading" aria-busy="true">
        <p className="gate__hint">Checking your session…</p>
      </div>
    );
  }
  if (redirect) return <div className="gate gate--loading" aria-busy="true" />;
  return <SessionContext.Provider value={data}>{children}</SessionContext.Provider>;
}
