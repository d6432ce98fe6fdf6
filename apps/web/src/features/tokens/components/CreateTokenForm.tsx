import { useRef, useState } from "react";
import type { FormEvent } from "react";
import { actionErrorMessage, ApiError, fieldErrorMessage } from "../../../lib/api.ts";
import { useNow } from "../../../lib/clock.ts";
import { sortRoles } from "../../../lib/identity.ts";
import type { Role } from "../../../lib/identity.ts";
import { useSession } from "../../../lib/session.ts";
import { Field } from "../../../ui/Field.tsx";
import { RoleCheckboxes } from "../../../ui/RoleCheckboxes.tsx";
import { useCreateToken } from "../queries.ts";
import { dateInputValue, expiryFromDateInput, validateNewToken } from "../tokens.ts";
import type { TokenFormError } from "../tokens.ts";

type FormError = TokenFormError | { field: null; message: string };

export function CreateTokenForm({ onCreated }: { onCreated: (name: string, secret: string) => void }) {
  const { user } = useSession();
  // A token carries roles the creator's own cover: their roles, and viewer (every role can read).
  const own = sortRoles(user.roles.length > 0 && !user.roles.includes("viewer") ? [...user.roles, "viewer"] : user.roles);
  const create = useCreateToken();
  const now = useNow();
  const [name, setName] = useState("");
  const [roles, setRoles] = useState<Role[]>(own.includes("viewer") ? ["viewer"] : own.slice(0, 1));
  const [expiry, setExpiry] = useState("");
  const [error, setError] = useState<FormError | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const expiryRef = useRef<HTMLInputElement>(null);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (create.isPending) return;
    const invalid = validateNewToken(name, roles, expiry, now);
    if (invalid) {
      setError(invalid);
      if (invalid.field === "name") nameRef.current?.focus();
      if (invalid.field === "expiresAt") expiryRef.current?.focus();
      return;
    }
    setError(null);
    const expiresAt = expiryFromDateInput(expiry) ?? undefined;
    create.mutate(
      { name: name.trim(), roles, ...(expiresAt ? { expiresAt } : {}) },
      {
        onSuccess: ({ token, secret }) => {
          setName("");
          setExpiry("");
          onCreated(token.name, secret);
        },
        onError: (err) => {
          const field = err instanceof ApiError ? err.field : undefined;
          if (err instanceof ApiError && (field === "name" || field === "roles" || field === "expiresAt")) {
            setError({ field, message: fieldErrorMessage(err) });
          } else {
            setError({ field: null, message: actionErrorMessage(err, "create tokens with these roles") });
          }
        },
      },
    );
  };

  const fieldProps = (field: TokenFormError["field"]) => ({ error: error?.field === field ? error.message : null, errorId: `token-${field}-err` });

  return (
    <section className="card" aria-labelledby="new-token-h" data-testid="token-create-card">
      <h2 id="new-token-h">New token</h2>
      <form className="form form--inline" onSubmit={submit} noValidate data-testid="token-form">
        {error?.field === null && (
          <p className="form-error" role="alert" data-testid="token-error">
            {error.message}
          </p>
        )}
        <div className="form__row">
          <Field id="token-name" label="Name" {...fieldProps("name")}>
            {(invalid) => (
              <input
                ref={nameRef}
                id="token-name"
                type="text"
                autoComplete="off"
                placeholder="e.g. triad-voting"
                value={name}
                onChange={(e) => setName(e.target.value)}
                {...invalid}
                data-testid="token-name"
              />
            )}
          </Field>
          <Field id="token-roles" {...fieldProps("roles")}>
            {() => <RoleCheckboxes legend="Roles" idPrefix="token-role" testIdPrefix="token-role-" value={roles} onChange={setRoles} allowed={own} />}
          </Field>
          <Field
            id="token-expires"
            label={
              <>
                Expires <span className="muted">(optional)</span>
              </>
            }
            className="field--date"
            {...fieldProps("expiresAt")}
          >
            {(invalid) => (
              <input
                ref={expiryRef}
                id="token-expires"
                type="date"
                min={dateInputValue(now + 86_400_000)}
                value={expiry}
                onChange={(e) => setExpiry(e.target.value)}
                {...invalid}
                data-testid="token-expires"
              />
            )}
          </Field>
          <div className="form__submit">
            <button type="submit" className="btn btn--primary" disabled={create.isPending} data-testid="token-submit">
              {create.isPending ? "Creating…" : "Create token"}
            </button>
          </div>
        </div>
        <p className="field__hint">A token can only have roles you have yourself. Without an expiry it lasts until revoked.</p>
      </form>
    </section>
  );
}
