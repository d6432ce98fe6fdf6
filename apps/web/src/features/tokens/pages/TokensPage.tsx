import { useMemo, useState } from "react";
import { OneTimeSecret } from "../../../app/OneTimeSecret.tsx";
import { actionErrorMessage } from "../../../lib/api.ts";
import { useNow } from "../../../lib/clock.ts";
import { can, useSession } from "../../auth/session.ts";
import { CreateTokenForm } from "../components/CreateTokenForm.tsx";
import { TokenRow } from "../components/TokenRow.tsx";
import { useTokens } from "../queries.ts";
import { sortTokens } from "../tokens.ts";

function TokensTable() {
  const session = useSession();
  const tokens = useTokens();
  const now = useNow();
  const manageAll = can(session, "tokens:manage-all");
  // Order by state once per fetch, not on every clock tick.
  const sorted = useMemo(() => (tokens.data ? sortTokens(tokens.data, tokens.dataUpdatedAt) : []), [tokens.data, tokens.dataUpdatedAt]);

  if (!tokens.data) {
    return tokens.isError ? (
      <p className="inline-error" role="alert">
        Could not load tokens: {actionErrorMessage(tokens.error, "list tokens")}
      </p>
    ) : (
      <p className="muted">Loading tokens…</p>
    );
  }
  if (sorted.length === 0) return <p className="empty">No tokens yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="tokens-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Prefix</th>
            <th scope="col">Roles</th>
            <th scope="col">Created by</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((t) => (
            <TokenRow key={t.id} token={t} selfId={session.user.id} manageAll={manageAll} now={now} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TokensPage() {
  const session = useSession();
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const canCreate = can(session, "tokens:create");
  const manageAll = can(session, "tokens:manage-all");
  const origin = window.location.origin;

  return (
    <div className="page">
      <header className="page__head">
        <h1>API tokens</h1>
        <p className="muted">
          Machine identities for agents and automation (for example the triad voting). {manageAll ? "You see everyone's tokens." : "You see the tokens you created."}
        </p>
      </header>
      {created && (
        <section className="card card--secret">
          <OneTimeSecret title={`Secret for “${created.name}”`} secret={created.secret} testId="token-secret" onDone={() => setCreated(null)}>
            <p>Send it in the Authorization header of every request:</p>
            <pre className="code-block">
              {`Authorization: Bearer ${created.secret}\n\ncurl -H "Authorization: Bearer ${created.secret}" ${origin}/api/targets`}
            </pre>
          </OneTimeSecret>
        </section>
      )}
      {canCreate && <CreateTokenForm onCreated={(name, secret) => setCreated({ name, secret })} />}
      <section className="card" aria-labelledby="tokens-h">
        <h2 id="tokens-h">{manageAll ? "All tokens" : "Your tokens"}</h2>
        <TokensTable />
      </section>
    </div>
  );
}
