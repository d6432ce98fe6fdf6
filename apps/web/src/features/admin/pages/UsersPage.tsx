import { useMemo, useState } from "react";
import { useNow } from "../../../lib/clock.ts";
import { can, useSession } from "../../../lib/session.ts";
import { Forbidden } from "../../../ui/Forbidden.tsx";
import { OneTimeSecret } from "../../../ui/OneTimeSecret.tsx";
import { LoadingOrError } from "../../../ui/QueryState.tsx";
import { ACTIONS_HEAD, Table } from "../../../ui/Table.tsx";
import { InviteUserForm } from "../components/InviteUserForm.tsx";
import { UserRow } from "../components/UserRow.tsx";
import { useUsers } from "../queries.ts";
import { visibleUsers } from "../users.ts";

const HEADS = ["Email", "Name", "Roles", "Status", "Last login", "Created", ACTIONS_HEAD];

function UsersTable({ showDisabled, onTemporaryPassword }: { showDisabled: boolean; onTemporaryPassword: (email: string, password: string) => void }) {
  const session = useSession();
  const users = useUsers();
  const now = useNow();
  const sorted = useMemo(() => (users.data ? visibleUsers(users.data, showDisabled) : []), [users.data, showDisabled]);

  if (!users.data) return <LoadingOrError query={users} what="users" action="manage users" />;
  const empty = users.data.length === 0 ? "No users yet." : "No active users: show the disabled ones to see everyone.";
  return (
    <Table heads={HEADS} testId="users-table" after={sorted.length === 0 && <p className="empty">{empty}</p>}>
      {sorted.map((u) => (
        <UserRow key={u.id} user={u} selfId={session.user.id} now={now} onTemporaryPassword={onTemporaryPassword} />
      ))}
    </Table>
  );
}

export function UsersPage() {
  const session = useSession();
  const [secret, setSecret] = useState<{ email: string; password: string; invited: boolean } | null>(null);
  const [showDisabled, setShowDisabled] = useState(false);
  if (!can(session, "users:manage")) return <Forbidden action="manage users" />;
  const count = (n: number) => `${n} user${n === 1 ? "" : "s"}`;
  return (
    <div className="page">
      <header className="page__head">
        <h1>Users</h1>
        <p className="muted">People who can sign in to the console. Roles decide what they can see and do.</p>
      </header>
      {secret && (
        <section className="card card--secret">
          <OneTimeSecret title={`Temporary password for ${secret.email}`} secret={secret.password} testId="temporary-password" onDone={() => setSecret(null)}>
            {secret.invited
              ? "Give it to them over a trusted channel. They must choose their own password when they first sign in."
              : "Their sessions have ended. They must choose a new password when they next sign in."}
          </OneTimeSecret>
        </section>
      )}
      <InviteUserForm onInvited={(email, password) => setSecret({ email, password, invited: true })} />
      <section className="card" aria-labelledby="users-h">
        <div className="card__head">
          <h2 id="users-h">All users</h2>
          <UserCount format={count} showDisabled={showDisabled} onToggle={() => setShowDisabled((v) => !v)} />
        </div>
        <UsersTable showDisabled={showDisabled} onTemporaryPassword={(email, password) => setSecret({ email, password, invited: false })} />
      </section>
    </div>
  );
}

function UserCount({ format, showDisabled, onToggle }: { format: (n: number) => string; showDisabled: boolean; onToggle: () => void }) {
  const users = useUsers();
  if (!users.data) return null;
  const disabled = users.data.filter((u) => u.disabled).length;
  return (
    <span className="muted">
      {format(users.data.length - disabled)} active
      {disabled > 0 && (
        <>
          {" · "}
          <button type="button" className="btn btn--sm" aria-pressed={showDisabled} onClick={onToggle} data-testid="users-show-disabled">
            {showDisabled ? `Hide ${disabled} disabled` : `Show ${disabled} disabled`}
          </button>
        </>
      )}
    </span>
  );
}
