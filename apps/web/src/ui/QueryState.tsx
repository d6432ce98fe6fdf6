import type { ReactNode } from "react";
import { actionErrorMessage, errorMessage } from "../lib/api.ts";
import { formatAgo } from "../lib/format.ts";

/** What a list shows before its data has come: a loading line, or why it could not be loaded. */
export function LoadingOrError({
  query,
  what,
  action,
  testId,
}: {
  query: { isError: boolean; error: unknown };
  what: string;
  action: string;
  testId?: string;
}) {
  return query.isError ? (
    <p className="inline-error" role="alert" data-testid={testId}>
      Could not load {what}: {actionErrorMessage(query.error, action)}
    </p>
  ) : (
    <p className="muted">Loading {what}…</p>
  );
}

/** Shown above data that is still there after a refresh failed. */
export function RefreshFailed({ query, action }: { query: { isError: boolean; error: unknown }; action: string }) {
  if (!query.isError) return null;
  return <p className="inline-error">Refresh failed: {actionErrorMessage(query.error, action)} — showing the last known state.</p>;
}

/** "4 m ago", with the full time on hover; a dash when there is none. */
export function TimeAgo({ iso, now, testId }: { iso: string | null | undefined; now: number; testId?: string }) {
  if (!iso)
    return (
      <span className="muted" data-testid={testId}>
        —
      </span>
    );
  return (
    <time dateTime={iso} title={new Date(iso).toString()} data-testid={testId}>
      {formatAgo(iso, now)}
    </time>
  );
}

type QueryBodyProps<T> = {
  query: { data: T | undefined; isError: boolean; error: unknown };
  /** "postmortems", as in "Loading postmortems…" and "Could not load postmortems". */
  what: string;
  /** What the user was doing, for a 403 ("view postmortems"). */
  action: string;
  errorTestId?: string;
  /** Shown instead of the body when the data is an empty list. */
  empty: ReactNode;
  emptyTestId?: string;
  children: (data: T) => ReactNode;
};

/** A list's states in one place: loading, failed, refresh failed over old data, empty, or the list. */
export function QueryBody<T>({ query, what, action, errorTestId, empty, emptyTestId, children }: QueryBodyProps<T>) {
  if (query.data === undefined) return <LoadingOrError query={query} what={what} action={action} testId={errorTestId} />;
  return (
    <>
      <RefreshFailed query={query} action={action} />
      {Array.isArray(query.data) && query.data.length === 0 ? (
        <p className="empty" data-testid={emptyTestId}>
          {empty}
        </p>
      ) : (
        children(query.data)
      )}
    </>
  );
}

type HistoryBodyProps<T> = {
  query: { data: readonly T[] | undefined; isError: boolean; error: unknown };
  /** "alerts", as in "Loading alerts…" and "Could not load alerts". */
  what: string;
  /** What the user was doing, for a 403 ("view alerts"). */
  action: string;
  /** Shown instead of the list when it is empty. */
  empty: ReactNode;
  emptyTestId?: string;
  children: (data: readonly T[]) => ReactNode;
};

/**
 * A target's history card (alerts, restarts, diagnoses): the states of QueryBody, quieter —
 * a failed load is not announced, and a failed refresh says the list is the last known one.
 */
export function HistoryBody<T>({ query, what, action, empty, emptyTestId, children }: HistoryBodyProps<T>) {
  if (!query.data) {
    return query.isError ? (
      <p className="inline-error">
        Could not load {what}: {actionErrorMessage(query.error, action)}
      </p>
    ) : (
      <p className="muted">Loading {what}…</p>
    );
  }
  if (query.data.length === 0) {
    return (
      <p className="empty" data-testid={emptyTestId}>
        {empty}
      </p>
    );
  }
  return (
    <>
      {query.isError && <p className="inline-error">Refresh failed: {errorMessage(query.error)} — showing the last known list.</p>}
      {children(query.data)}
    </>
  );
}
