import { useMemo } from "react";
import type { ReactNode } from "react";
import { LiveIndicator } from "../features/targets/components/LiveIndicator.tsx";
import { StatusCounts } from "../features/targets/components/StatusCounts.tsx";
import { useTargets } from "../features/targets/queries.ts";
import { countStatuses, documentTitle } from "../features/targets/status.ts";
import { errorMessage } from "../lib/api.ts";
import { useClientNow } from "../lib/clock.ts";
import { formatAgo } from "../lib/format.ts";
import { useLiveState } from "../lib/ws.ts";
import { Banner } from "./Banner.tsx";
import { Link } from "./router.tsx";
import { useDocumentTitle } from "./useDocumentTitle.ts";

function Logo() {
  return (
    <svg className="brand__logo" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="var(--surface-2)" />
      <circle cx="16" cy="16" r="9" fill="none" stroke="var(--ok)" strokeWidth="3" />
      <circle cx="16" cy="16" r="3.5" fill="var(--ok)" />
    </svg>
  );
}

export function Shell({ pageTitle, children }: { pageTitle?: string; children: ReactNode }) {
  const targets = useTargets();
  const live = useLiveState();
  const now = useClientNow();
  const counts = useMemo(() => (targets.data ? countStatuses(targets.data) : null), [targets.data]);
  useDocumentTitle(documentTitle(counts, pageTitle));

  // Only complain about the API when the live stream is not covering for it.
  const apiDown = targets.isError && live.status !== "live";

  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand" aria-label="OpenClaw Ops — board">
          <Logo />
          <span className="brand__name">OpenClaw Ops</span>
        </Link>
        {counts && <StatusCounts counts={counts} />}
        <LiveIndicator />
      </header>
      <div className="banners">
        {apiDown && (
          <Banner
            tone="error"
            testId="api-error"
            action={
              <button type="button" className="btn" onClick={() => void targets.refetch()}>
                Retry
              </button>
            }
          >
            <strong>API unreachable.</strong> {errorMessage(targets.error)}
            {targets.data
              ? ` — showing what was known ${formatAgo(new Date(targets.dataUpdatedAt).toISOString(), now)}.`
              : " — retrying automatically."}
          </Banner>
        )}
        {live.error && (
          <Banner tone="warning" testId="live-error">
            <strong>Live stream:</strong> {live.error}
          </Banner>
        )}
      </div>
      <main className="main">{children}</main>
    </div>
  );
}
