import type { TokenView } from "@ops/contract";
import { useState } from "react";
import { actionErrorMessage } from "../../../lib/api.ts";
import { DASH, formatAgo, formatDay } from "../../../lib/format.ts";
import { ConfirmButton } from "../../../ui/ConfirmButton.tsx";
import { RoleChips } from "../../../ui/RoleChips.tsx";
import { useRevokeToken } from "../queries.ts";
import { canRevoke, tokenState } from "../tokens.ts";

type Props = { token: TokenView; selfId: string; manageAll: boolean; now: number };

const STATE_LABEL = { active: "Active", expired: "Expired", revoked: "Revoked" } as const;

export function TokenRow({ token: t, selfId, manageAll, now }: Props) {
  const revoke = useRevokeToken();
  const [error, setError] = useState<string | null>(null);
  const state = tokenState(t, now);
  const day = (iso: string | null) => (iso ? formatDay(iso, now) : DASH);

  return (
    <tr className={state === "active" ? undefined : "is-disabled"} data-testid={`token-row-${t.id}`} data-state={state}>
      <td className="cell-strong cell-nowrap">
        {t.name}
        {t.member && (
          <span className="muted" data-testid={`token-member-${t.id}`}>
            {" "}
            · votes as {t.member}
          </span>
        )}
      </td>
      <td>
        <code className="prefix">{t.prefix}…</code>
      </td>
      <td>
        <RoleChips roles={t.roles} />
      </td>
      <td>{t.createdBy.id === selfId ? <span title={t.createdBy.email}>you</span> : t.createdBy.email}</td>
      <td className="cell-nowrap">{day(t.createdAt)}</td>
      <td className="cell-nowrap">{t.expiresAt ? day(t.expiresAt) : <span className="muted">never</span>}</td>
      <td className="cell-nowrap" title={t.lastUsedAt ? formatDay(t.lastUsedAt, now) : undefined}>
        {t.lastUsedAt ? formatAgo(t.lastUsedAt, now) : <span className="muted">never</span>}
      </td>
      <td>
        <span className={`state state--${state === "active" ? "on" : "off"}`} data-testid="token-state">
          {STATE_LABEL[state]}
        </span>
        {t.revokedAt && <span className="cell-note">{day(t.revokedAt)}</span>}
      </td>
      <td className="cell-actions">
        {canRevoke(t, selfId, manageAll, now) && (
          <ConfirmButton
            label="Revoke"
            question="Revoke? Anything using it stops working."
            confirmLabel="Revoke"
            danger
            pending={revoke.isPending}
            onConfirm={() => {
              setError(null);
              revoke.mutate(t.id, { onError: (e) => setError(actionErrorMessage(e, "revoke this token")) });
            }}
            testId="token-revoke"
          />
        )}
        {error && (
          <p className="inline-error" role="alert">
            {error}
          </p>
        )}
      </td>
    </tr>
  );
}
