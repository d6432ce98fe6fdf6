import { useRef, useState } from "react";
import type { FormEvent, ReactNode } from "react";
import { ApiError, errorMessage, fieldErrorMessage } from "../../../lib/api.ts";
import { useNow } from "../../../lib/clock.ts";
import { formatTimestamp, formatUntil } from "../../../lib/format.ts";
import { navigate, useSearchParam } from "../../../lib/router.tsx";
import { useSession } from "../../../lib/session.ts";
import { Banner } from "../../../ui/Banner.tsx";
import { RoleChips } from "../../../ui/RoleChips.tsx";
import { passwordChecks, validatePasswordChange } from "../password.ts";
import type { FieldError, PasswordForm } from "../password.ts";
import { useChangePassword, useMe } from "../queries.ts";
import { safeNext } from "../redirect.ts";

const EMPTY: PasswordForm = { currentPassword: "", newPassword: "", confirm: "" };

function toFieldError(error: unknown): FieldError | { field: null; message: string } {
  if (error instanceof ApiError && (error.field === "currentPassword" || error.field === "newPassword")) {
    return { field: error.field, message: fieldErrorMessage(error) };
  }
  return { field: null, message: errorMessage(error) };
}

function PasswordCard({ mustChange, onChanged }: { mustChange: boolean; onChanged: () => void }) {
  const { user } = useSession();
  const change = useChangePassword();
  const [form, setForm] = useState<PasswordForm>(EMPTY);
  const [error, setError] = useState<FieldError | { field: null; message: string } | null>(null);
  const refs = {
    currentPassword: useRef<HTMLInputElement>(null),
    newPassword: useRef<HTMLInputElement>(null),
    confirm: useRef<HTMLInputElement>(null),
  };

  const set = (field: keyof PasswordForm) => (value: string) => setForm((f) => ({ ...f, [field]: value }));

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (change.isPending) return;
    const invalid = validatePasswordChange(form, user.email);
    if (invalid) {
      setError(invalid);
      refs[invalid.field].current?.focus();
      return;
    }
    setError(null);
    change.mutate(
      { currentPassword: form.currentPassword, newPassword: form.newPassword },
      {
        onSuccess: () => {
          setForm(EMPTY);
          onChanged();
        },
        onError: (err) => {
          const fe = toFieldError(err);
          setError(fe);
          if (fe.field) refs[fe.field].current?.focus();
        },
      },
    );
  };

  const fieldError = (field: keyof PasswordForm) =>
    error?.field === field ? (
      <p className="field__error" id={`pw-${field}-err`} data-testid={`password-error-${field}`}>
        {error.message}
      </p>
    ) : null;

  // Every rule shown before the first keystroke and ticked off while typing: no rule is met for the first time as a refusal.
  const rules = (
    <ul className="pw-rules" id="pw-newPassword-hint" aria-label="Password rules" data-testid="password-rules">
      {passwordChecks(form.newPassword, user.email).map((c) => (
        <li key={c.id} className={c.ok ? "pw-rules__ok" : "pw-rules__todo"} data-testid={`password-rule-${c.id}`} data-ok={c.ok}>
          <span aria-hidden="true">{c.ok ? "✓" : "○"}</span> {c.rule}
          <span className="sr-only">{c.ok ? " (met)" : " (not met yet)"}</span>
        </li>
      ))}
    </ul>
  );

  const input = (field: keyof PasswordForm, label: string, autoComplete: string, hint?: ReactNode) => (
    <div className="field">
      <label htmlFor={`pw-${field}`}>{label}</label>
      <input
        ref={refs[field]}
        id={`pw-${field}`}
        type="password"
        autoComplete={autoComplete}
        value={form[field]}
        onChange={(e) => set(field)(e.target.value)}
        aria-invalid={error?.field === field || undefined}
        aria-describedby={error?.field === field ? `pw-${field}-err` : hint ? `pw-${field}-hint` : undefined}
        data-testid={`password-${field}`}
      />
      {hint}
      {fieldError(field)}
    </div>
  );

  return (
    <section className="card" aria-labelledby="pw-h">
      <h2 id="pw-h">{mustChange ? "Choose a new password" : "Change password"}</h2>
      <form className="form" onSubmit={submit} noValidate data-testid="password-form">
        <input type="email" autoComplete="username" value={user.email} readOnly hidden />
        {error?.field === null && (
          <p className="form-error" role="alert" data-testid="password-error">
            {error.message}
          </p>
        )}
        {input("currentPassword", mustChange ? "Temporary password" : "Current password", "current-password")}
        {input("newPassword", "New password", "new-password", rules)}
        {input("confirm", "Confirm new password", "new-password")}
        <div className="form__actions">
          <button type="submit" className="btn btn--primary" disabled={change.isPending} data-testid="password-submit">
            {change.isPending ? "Saving…" : "Change password"}
          </button>
          <span className="muted">Your other sessions are signed out; this one stays.</span>
        </div>
      </form>
    </section>
  );
}

export function AccountPage() {
  const session = useSession();
  // Fresh expiry times: every request moves the idle deadline.
  useMe({ refetchInterval: 60_000 });
  const now = useNow();
  const next = useSearchParam("next");
  const [changed, setChanged] = useState(false);
  const { user } = session;
  const mustChange = user.mustChangePassword;

  const onChanged = () => {
    if (mustChange) navigate(safeNext(next), { replace: true });
    else setChanged(true);
  };

  return (
    <div className="page page--narrow">
      <header className="page__head">
        <h1>Account</h1>
      </header>
      {mustChange && (
        <Banner tone="warning" testId="must-change-password">
          <strong>A new password is required before you continue.</strong> You signed in with a temporary password; choose your own below to open the console.
        </Banner>
      )}
      {changed && (
        <Banner tone="info" testId="password-changed">
          Password changed. Your other sessions have been signed out.
        </Banner>
      )}

      <section className="card" aria-labelledby="profile-h">
        <h2 id="profile-h">Profile</h2>
        <dl className="kv">
          <dt>Name</dt>
          <dd>{user.displayName || "—"}</dd>
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Roles</dt>
          <dd>
            <RoleChips roles={user.roles} />
          </dd>
        </dl>
      </section>

      <PasswordCard mustChange={mustChange} onChanged={onChanged} />

      <section className="card" aria-labelledby="session-h">
        <h2 id="session-h">This session</h2>
        {session.session ? (
          <dl className="kv" data-testid="session-info">
            <dt>Signed out when idle</dt>
            <dd>
              {formatUntil(session.session.idleExpiresAt, now)}{" "}
              <span className="muted">({formatTimestamp(session.session.idleExpiresAt, now, { withSeconds: false })})</span>
            </dd>
            <dt>Expires at the latest</dt>
            <dd>
              {formatUntil(session.session.expiresAt, now)}{" "}
              <span className="muted">({formatTimestamp(session.session.expiresAt, now, { withSeconds: false })})</span>
            </dd>
          </dl>
        ) : (
          <p className="muted">Signed in with an API token; there is no browser session.</p>
        )}
      </section>
    </div>
  );
}
