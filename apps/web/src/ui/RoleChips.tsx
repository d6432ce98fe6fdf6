import { isRole, sortRoles } from "../lib/identity.ts";

export function RoleChips({ roles, testId }: { roles: readonly string[]; testId?: string }) {
  const sorted = sortRoles(roles);
  const all = [...sorted, ...roles.filter((r) => !isRole(r))];
  if (all.length === 0) return <span className="muted">no roles</span>;
  return (
    <span className="chips" data-testid={testId}>
      {all.map((r) => (
        <span key={r} className={`chip chip--${r}`} data-role={r}>
          {r}
        </span>
      ))}
    </span>
  );
}
