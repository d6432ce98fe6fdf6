import type { ReactNode } from "react";
import { actionErrorMessage, ApiError } from "../lib/api.ts";

/**
 * What a record page (run, incident, target) shows before its record has loaded:
 * the back link, then either a "No such …" / "Could not load this …" panel or a loading line.
 */
export function RecordLoadState({
  query,
  noun,
  action,
  testIds,
  back,
  loading,
  notFoundHint,
}: {
  /** The record's query: only whether it failed and with what. */
  query: { isError: boolean; error: unknown };
  /** The record's kind, as in "No such run" and "Could not load this run". */
  noun: string;
  /** What the user was trying to do, for actionErrorMessage ("view runbook runs"). */
  action: string;
  /** data-testid of the panel when the record does not exist, and when it failed to load. */
  testIds: { notFound: string; error: string };
  back: ReactNode;
  loading: ReactNode;
  /** Extra help shown under the message when the record does not exist. */
  notFoundHint?: ReactNode;
}) {
  const notFound = query.error instanceof ApiError && query.error.isNotFound;
  return (
    <div className="target">
      {back}
      {query.isError ? (
        <div className={notFound ? "panel" : "panel panel--error"} data-testid={notFound ? testIds.notFound : testIds.error}>
          <h1>{notFound ? `No such ${noun}` : `Could not load this ${noun}`}</h1>
          <p>{actionErrorMessage(query.error, action)}</p>
          {notFound && notFoundHint}
        </div>
      ) : (
        <p className="muted">{loading}</p>
      )}
    </div>
  );
}
