import { useEffect, useRef, useState } from "react";
import type { FormEvent } from "react";
import { ApiError, errorMessage } from "../../../lib/api.ts";
import { navigate, useSearchParam } from "../../../lib/router.tsx";
import { useDocumentTitle } from "../../../lib/useDocumentTitle.ts";
import { Logo } from "../../../ui/Logo.tsx";
import { useLogin, useMe } from "../queries.ts";
import { afterLogin } from "../redirect.ts";

function loginErrorText(error: unknown): string {
  if (error instanceof ApiError && error.isNetwork) return "Cannot reach the OpenClaw Ops API. Check your connection and try again.";
  return errorMessage(error);
}

export function LoginPage() {
  useDocumentTitle("Sign in — OpenClaw Ops");
  const next = useSearchParam("next");
  const me = useMe();
  const login = useLogin();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [localError, setLocalError] = useState<{ field: "email" | "password"; message: string } | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  // Already signed in (e.g. a bookmarked /login): go straight on.
  const signedIn = me.data;
  useEffect(() => {
    if (signedIn) navigate(afterLogin(signedIn.user.mustChangePassword, next), { replace: true });
  }, [signedIn, next]);

  const serverError = login.error;
  const serverField = serverError instanceof ApiError ? serverError.field : undefined;
  const errorField = localError?.field ?? (serverField === "email" || serverField === "password" ? serverField : undefined);
  const message = localError?.message ?? (serverError ? loginErrorText(serverError) : null);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (login.isPending) return;
    const trimmed = email.trim();
    if (trimmed === "") {
      setLocalError({ field: "email", message: "Enter your email address." });
      emailRef.current?.focus();
      return;
    }
    if (password === "") {
      setLocalError({ field: "password", message: "Enter your password." });
      passwordRef.current?.focus();
      return;
    }
    setLocalError(null);
    login.mutate(
      { email: trimmed, password },
      {
        onSuccess: (session) => navigate(afterLogin(session.user.mustChangePassword, next), { replace: true }),
        onError: () => {
          setPassword("");
          passwordRef.current?.focus();
        },
      },
    );
  };

  return (
    <main className="login">
      <form className="login__card" onSubmit={submit} noValidate aria-labelledby="login-h" data-testid="login-form">
        <div className="login__brand">
          <Logo className="login__logo" />
          <div>
            <h1 id="login-h">OpenClaw Ops</h1>
            <p className="muted">Sign in to the operations console</p>
          </div>
        </div>

        {message && (
          <p className="form-error" role="alert" data-testid="login-error">
            {message}
          </p>
        )}

        <div className="field">
          <label htmlFor="login-email">Email</label>
          <input
            ref={emailRef}
            id="login-email"
            name="email"
            type="email"
            inputMode="email"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={errorField === "email" || undefined}
            data-testid="login-email"
          />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input
            ref={passwordRef}
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={errorField === "password" || undefined}
            data-testid="login-password"
          />
        </div>
        <button type="submit" className="btn btn--primary btn--block" disabled={login.isPending} data-testid="login-submit">
          {login.isPending ? "Signing in…" : "Sign in"}
        </button>
        <p className="login__foot muted">Accounts are created by an admin. Forgot your password? Ask an admin to reset it.</p>
      </form>
    </main>
  );
}
