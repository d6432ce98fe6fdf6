import { useLogout } from "../features/auth/queries.ts";
import { errorMessage } from "../lib/api.ts";
import { Link } from "../lib/router.tsx";
import { can, useSession } from "../lib/session.ts";
import { RoleChips } from "../ui/RoleChips.tsx";

export type Section =
  | "board"
  | "incidents"
  | "runbooks"
  | "runs"
  | "postmortems"
  | "learnings"
  | "handoff"
  | "governance"
  | "backups"
  | "slos"
  | "delivery"
  | "cases"
  | "tokens"
  | "audit"
  | "users"
  | "account";

function NavLink({ to, section, active, children }: { to: string; section: Section; active?: Section; children: string }) {
  return (
    <Link to={to} className="nav__link" aria-current={section === active ? "page" : undefined} data-testid={`nav-${section}`}>
      {children}
    </Link>
  );
}

/** The links everyone signed in gets; the pages themselves say what a role may not see. */
const MAIN_LINKS: readonly [string, Section, string][] = [
  ["/", "board", "Board"],
  ["/incidents", "incidents", "Incidents"],
  ["/slos", "slos", "SLOs"],
  ["/delivery", "delivery", "Delivery"],
  ["/runbooks", "runbooks", "Runbooks"],
  ["/runs", "runs", "Runs"],
  ["/postmortems", "postmortems", "Postmortems"],
  ["/learnings", "learnings", "Learnings"],
  ["/handoff", "handoff", "Handoff"],
  ["/proposals", "governance", "Governance"],
  ["/backups", "backups", "Backups"],
  ["/cases", "cases", "Cases"],
  ["/tokens", "tokens", "Tokens"],
];

/** Second header row: where to go, and who is signed in. Only what the user may use is offered. */
export function NavBar({ active, restricted }: { active?: Section; restricted: boolean }) {
  const session = useSession();
  const logout = useLogout();
  const { user } = session;
  return (
    <div className="nav">
      <nav className="nav__links" aria-label="Main">
        {!restricted && (
          <>
            {MAIN_LINKS.map(([to, section, label]) => (
              <NavLink key={section} to={to} section={section} active={active}>
                {label}
              </NavLink>
            ))}
            {can(session, "audit:read") && (
              <NavLink to="/audit" section="audit" active={active}>
                Audit
              </NavLink>
            )}
            {can(session, "users:manage") && (
              <NavLink to="/admin/users" section="users" active={active}>
                Admin
              </NavLink>
            )}
          </>
        )}
      </nav>
      <div className="nav__user">
        <span className="nav__me" title={user.email}>
          <span className="nav__name" data-testid="current-user">
            {user.displayName || user.email}
          </span>
          <RoleChips roles={user.roles} testId="current-roles" />
        </span>
        <NavLink to="/account" section="account" active={active}>
          Account
        </NavLink>
        {logout.isError && (
          <span className="inline-error" role="alert">
            Log out failed: {errorMessage(logout.error)}
          </span>
        )}
        <button type="button" className="btn" onClick={() => logout.mutate()} disabled={logout.isPending} data-testid="logout">
          {logout.isPending ? "Logging out…" : "Log out"}
        </button>
      </div>
    </div>
  );
}
