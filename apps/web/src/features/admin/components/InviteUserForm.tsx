import type { InviteUserBody, Role } from "@ops/contract";
import { useRef, useState } from "react";
import type { FormEvent } from "react";
import { actionErrorMessage, ApiError, fieldErrorMessage } from "../../../lib/api.ts";
import { Field } from "../../../ui/Field.tsx";
import { RoleCheckboxes } from "../../../ui/RoleCheckboxes.tsx";
import { useInviteUser } from "../queries.ts";
import { validateInvite } from "../users.ts";
import type { InviteError } from "../users.ts";

type FormError = InviteError | { field: null; message: string };

const EMPTY: InviteUserBody = { email: "", displayName: "", roles: ["viewer"] };

export function InviteUserForm({ onInvited }: { onInvited: (email: string, temporaryPassword: string) => void }) {
  const invite = useInviteUser();
  const [form, setForm] = useState<InviteUserBody>(EMPTY);
  const [error, setError] = useState<FormError | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (invite.isPending) return;
    const body: InviteUserBody = { email: form.email.trim(), displayName: form.displayName.trim(), roles: form.roles };
    const invalid = validateInvite(body);
    if (invalid) {
      setError(invalid);
      if (invalid.field === "email") emailRef.current?.focus();
      if (invalid.field === "displayName") nameRef.current?.focus();
      return;
    }
    setError(null);
    invite.mutate(body, {
      onSuccess: ({ user, temporaryPassword }) => {
        setForm(EMPTY);
        onInvited(user.email, temporaryPassword);
      },
      onError: (err) => {
        const field = err instanceof ApiError ? err.field : undefined;
        const message = actionErrorMessage(err, "invite users");
        if (err instanceof ApiError && (field === "email" || field === "displayName" || field === "roles")) {
          setError({ field, message: fieldErrorMessage(err) });
        } else if (err instanceof ApiError && err.code === "CONFLICT") {
          setError({ field: "email", message });
        } else {
          setError({ field: null, message });
        }
      },
    });
  };

  const fieldProps = (field: keyof InviteUserBody) => ({ error: error?.field === field ? error.message : null, errorId: `invite-${field}-err` });

  return (
    <section className="card" aria-labelledby="invite-h" data-testid="invite-card">
      <h2 id="invite-h">Invite a user</h2>
      <form className="form form--inline" onSubmit={submit} noValidate data-testid="invite-form">
        {error?.field === null && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
        <div className="form__row">
          <Field id="invite-email" label="Email" {...fieldProps("email")}>
            {(invalid) => (
              <input
                ref={emailRef}
                id="invite-email"
                type="email"
                autoComplete="off"
                spellCheck={false}
                value={form.email}
                onChange={(e) => setForm((f) => ({ ...f, email: e.target.value }))}
                {...invalid}
                data-testid="invite-email"
              />
            )}
          </Field>
          <Field id="invite-name" label="Display name" {...fieldProps("displayName")}>
            {(invalid) => (
              <input
                ref={nameRef}
                id="invite-name"
                type="text"
                autoComplete="off"
                value={form.displayName}
                onChange={(e) => setForm((f) => ({ ...f, displayName: e.target.value }))}
                {...invalid}
                data-testid="invite-name"
              />
            )}
          </Field>
          <Field id="invite-roles" {...fieldProps("roles")}>
            {() => (
              <RoleCheckboxes
                legend="Roles"
                idPrefix="invite-role"
                testIdPrefix="invite-role-"
                value={form.roles}
                onChange={(roles: Role[]) => setForm((f) => ({ ...f, roles }))}
              />
            )}
          </Field>
          <div className="form__submit">
            <button type="submit" className="btn btn--primary" disabled={invite.isPending} data-testid="invite-submit">
              {invite.isPending ? "Inviting…" : "Invite"}
            </button>
          </div>
        </div>
        <p className="field__hint">A temporary password is shown once after inviting; the user changes it at first sign-in.</p>
      </form>
    </section>
  );
}
