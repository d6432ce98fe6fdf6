import { useMemo, useState } from "react";
import { useNow } from "../../../lib/clock.ts";
import { can, useSession } from "../../../lib/session.ts";
import { OneTimeSecret } from "../../../ui/OneTimeSecret.tsx";
import { LoadingOrError } from "../../../ui/QueryState.tsx";
import { ACTIONS_HEAD, Table } from "../../../ui/Table.tsx";
import { CreateTokenForm } from "../components/CreateTokenForm.tsx";
import { TokenRow } from "../components/TokenRow.tsx";
import { useTokens } from "../queries.ts";
import { sortTokens } from "../tokens.ts";

const HEADS = ["Name", "Prefix", "Roles", "Created by", "Created", "Expires", "Last used", "Status", ACTIONS_HEAD];

function TokensTable() {
  const session = useSession();
  const tokens = useTokens();
  const now = useNow();
  const manageAll = can(session, "tokens:manage-all");
  // Order by state once per fetch, not on every clock tick.
  const sorted = useMemo(() => (tokens.data ? sortTokens(tokens.data, tokens.dataUpdatedAt) : []), [tokens.data, tokens.dataUpdatedAt]);

  if (!tokens.data) return <LoadingOrError query={tokens} what="tokens" action="list tokens" />;
  if (sorted.length === 0) return <p className="empty">No tokens yet.</p>;
  return (
    <Table heads={HEADS} testId="tokens-table">
      {sorted.map((t) => (
        <TokenRow key={t.id} token={t} selfId={session.user.id} manageAll={manageAll} now={now} />
      ))}
    </Table>
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
          Machine identities for agents and automation (for example the triad voting).{" "}
          {manageAll ? "You see everyone's tokens." : "You see the tokens you created."}
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
