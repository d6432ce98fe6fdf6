import type { InputHTMLAttributes, ReactNode } from "react";
import { actionErrorMessage } from "../lib/api.ts";
import type { Permission } from "../lib/identity.ts";
import { useCan } from "../lib/session.ts";
import { Forbidden } from "./Forbidden.tsx";

type InputProps = {
  /** Also the test id; its error is `<id>-error`. */
  id: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  error: string | null;
  /** A textarea of this many rows instead of a one-line input. */
  rows?: number;
  /** Attributes of the one-line input: type, min, max, placeholder, list… */
  input?: InputHTMLAttributes<HTMLInputElement>;
  maxLength?: number;
  children?: ReactNode;
};

/** A labelled input or textarea with its error line under it; the input is marked invalid while it has one. */
export function InputField({ id, label, value, onChange, error, rows, input, maxLength, children }: InputProps) {
  const common = {
    id,
    value,
    maxLength,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${id}-error` : undefined,
    "data-testid": id,
  } as const;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {rows ? (
        <textarea {...common} rows={rows} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input type="text" autoComplete="off" {...input} {...common} onChange={(e) => onChange(e.target.value)} />
      )}
      {children}
      {error && (
        <p className="field__error" id={`${id}-error`} data-testid={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A checkbox with its label, aligned with the inputs next to it. */
export function CheckField({ id, label, checked, onChange }: { id: string; label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <div className="field gov-check-field">
      <label className="check">
        <input type="checkbox" id={id} checked={checked} onChange={(e) => onChange(e.target.checked)} data-testid={id} />
        <span>{label}</span>
      </label>
    </div>
  );
}

/** The page when the user has the permission, else why not. */
export function Allowed({ permission, action, children }: { permission: Permission; action: string; children: ReactNode }) {
  return useCan(permission) ? children : <Forbidden action={action} />;
}

/** A card with a heading, and something on its right. */
export function Card({ id, title, aside, testId, children }: { id: string; title: string; aside?: ReactNode; testId?: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={`${id}-h`} data-testid={testId}>
      <div className="card__head">
        <h2 id={`${id}-h`}>{title}</h2>
        {aside}
      </div>
      {children}
    </section>
  );
}

/** Why a button's action failed, under it. */
export function ActionError({ mutation, action, testId }: { mutation: { isError: boolean; error: unknown }; action: string; testId: string }) {
  if (!mutation.isError) return null;
  return (
    <p className="inline-error" role="alert" data-testid={testId}>
      {actionErrorMessage(mutation.error, action)}
    </p>
  );
}
