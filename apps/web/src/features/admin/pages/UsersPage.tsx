import { useMemo, useState } from "react";
import { Forbidden } from "../../../app/Forbidden.tsx";
import { OneTimeSecret } from "../../../app/OneTimeSecret.tsx";
import { actionErrorMessage } from "../../../lib/api.ts";
import { useNow } from "../../../lib/clock.ts";
import { can, useSession } from "../../auth/session.ts";
import { InviteUserForm } from "../components/InviteUserForm.tsx";
import { UserRow } from "../components/UserRow.tsx";
import { useUsers } from "../queries.ts";
import { sortUsers } from "../users.ts";

function UsersTable({ onTemporaryPassword }: { onTemporaryPassword: (email: string, password: string) => void }) {
  const session = useSession();
  const users = useUsers();
  const now = useNow();
  const sorted = useMemo(() => (users.data ? sortUsers(users.data) : []), [users.data]);

  if (!users.data) {
    return users.isError ? (
      <p className="inline-error" role="alert">
        Could not load users: {actionErrorMessage(users.error, "manage users")}
      </p>
    ) : (
      <p className="muted">Loading users…</p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table" data-testid="users-table">
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Roles</th>
            <th scope="col">Status</th>
            <th scope="col">Last login</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((u) => (
            <UserRow key={u.id} user={u} selfId={session.user.id} now={now} onTemporaryPassword={onTemporaryPassword} />
          ))}
        </tbody>
      </table>
      {sorted.length === 0 && <p className="empty">No users yet.</p>}
    </div>
  );
}

export function UsersPage() {
  const session = useSession();
  const [secret, setSecret] = useState<{ email: string; password: string; invited: boolean } | null>(null);
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
          <OneTimeSecret
            title={`Temporary password for ${secret.email}`}
            secret={secret.password}
            testId="temporary-password"
            onDone={() => setSecret(null)}
          >
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
          <UserCount format={count} />
        </div>
        <UsersTable onTemporaryPassword={(email, password) => setSecret({ email, password, invited: false })} />
      </section>
    </div>
  );
}

function UserCount({ format }: { format: (n: number) => string }) {
  const users = useUsers();
  if (!users.data) return null;
  const disabled = users.data.filter((u) => u.disabled).length;
  return (
    <span className="muted">
      {format(users.data.length)}
      {disabled > 0 && ` · ${disabled} disabled`}
    </span>
  );
}
