import { useMemo } from "react";
import type { MouseEvent, ReactNode } from "react";
import type { MonitoringStatus } from "@ops/contract";
import { LiveIndicator } from "../features/targets/components/LiveIndicator.tsx";
import { StatusCounts } from "../features/targets/components/StatusCounts.tsx";
import { useMonitoringStatus } from "../features/targets/queries.ts";
import { ApiError, errorMessage } from "../lib/api.ts";
import { useClientNow } from "../lib/clock.ts";
import { formatAgo, formatTimestamp } from "../lib/format.ts";
import { Link } from "../lib/router.tsx";
import { can, useSession } from "../lib/session.ts";
import { countStatuses, documentTitle } from "../lib/target-status.ts";
import { useTargets } from "../lib/targets-query.ts";
import { useDocumentTitle } from "../lib/useDocumentTitle.ts";
import { useLiveState } from "../lib/ws.ts";
import { Banner } from "../ui/Banner.tsx";
import { Logo } from "../ui/Logo.tsx";
import { NavBar } from "./NavBar.tsx";
import type { Section } from "./NavBar.tsx";

type Props = { pageTitle?: string; section?: Section; children: ReactNode };

function stalledWhat(w: MonitoringStatus): string {
  const stalled = w.shards.filter((x) => x.stalled);
  if (stalled.length === w.shards.length) return "the probes";
  const targets = stalled.reduce((n, x) => n + x.targets, 0);
  return `${targets} target${targets === 1 ? "" : "s"} (${stalled.length} of ${w.shards.length} probe shards)`;
}

/** Focus the page's main region without a "#main" in the address (the router owns the URL). */
function skipToMain(e: MouseEvent<HTMLAnchorElement>) {
  e.preventDefault();
  document.getElementById("main")?.focus();
}

export function Shell({ pageTitle, section, children }: Props) {
  const session = useSession();
  // Until the password is changed the session is good for the account page only.
  const restricted = session.user.mustChangePassword;
  const fleet = !restricted && can(session, "targets:read");
  const targets = useTargets({ enabled: fleet });
  const live = useLiveState();
  const watch = useMonitoringStatus(fleet);
  const now = useClientNow();
  const counts = useMemo(() => (fleet && targets.data ? countStatuses(targets.data) : null), [fleet, targets.data]);
  useDocumentTitle(documentTitle(counts, pageTitle));

  // Only complain about the API when the live stream is not covering for it.
  const forbidden = targets.error instanceof ApiError && targets.error.isForbidden;
  const apiDown = fleet && targets.isError && !forbidden && live.status !== "live";

  return (
    <div className="shell">
      {/* The first stop of the Tab key: past the header and its dozen links, straight to the page. */}
      <a className="skip-link" href="#main" onClick={skipToMain} data-testid="skip-link">
        Skip to main content
      </a>
      <header className="header">
        <div className="topbar">
          <Link to="/" className="brand" aria-label="OpenClaw Ops — board">
            <Logo />
            <span className="brand__name">OpenClaw Ops</span>
          </Link>
          {counts && <StatusCounts counts={counts} />}
          {fleet && <LiveIndicator />}
        </div>
        <NavBar active={section} restricted={restricted} />
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
            {targets.data ? ` — showing what was known ${formatAgo(new Date(targets.dataUpdatedAt).toISOString(), now)}.` : " — retrying automatically."}
          </Banner>
        )}
        {fleet && watch.data?.state === "stalled" && (
          <Banner tone="error" testId="monitoring-stalled">
            <strong>Monitoring stalled since {formatTimestamp(watch.data.since, now)}</strong> ({formatAgo(watch.data.since, now)}): {stalledWhat(watch.data)}{" "}
            sent no probe result for over {watch.data.limitSeconds} s. The board shows what was last seen, not what is true now. Is a worker running, and can it
            reach Redis?
          </Banner>
        )}
        {fleet && watch.data?.state === "unknown" && (
          <Banner tone="warning" testId="monitoring-unknown">
            <strong>Cannot tell whether monitoring goes on.</strong> {watch.data.reason}
          </Banner>
        )}
        {fleet && live.error && (
          <Banner tone="warning" testId="live-error">
            <strong>Live stream:</strong> {live.error}
          </Banner>
        )}
      </div>
      <main className="main" id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
