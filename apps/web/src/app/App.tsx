import { QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { UsersPage } from "../features/admin/pages/UsersPage.tsx";
import { AuditPage } from "../features/audit/pages/AuditPage.tsx";
import { AuthGate } from "../features/auth/components/AuthGate.tsx";
import { AccountPage } from "../features/auth/pages/AccountPage.tsx";
import { LoginPage } from "../features/auth/pages/LoginPage.tsx";
import { checkSession, confirmSessionEnded } from "../features/auth/queries.ts";
import { BackupPage } from "../features/backups/pages/BackupPage.tsx";
import { BackupsPage } from "../features/backups/pages/BackupsPage.tsx";
import { CasesPage } from "../features/cases/pages/CasesPage.tsx";
import { ProposalsPage } from "../features/governance/pages/ProposalsPage.tsx";
import { createProposalSync } from "../features/governance/queries.ts";
import { IncidentsPage } from "../features/incidents/pages/IncidentsPage.tsx";
import { createIncidentSync } from "../features/incidents/queries.ts";
import { LearningsPage } from "../features/learnings/pages/LearningsPage.tsx";
import { PatternsPage } from "../features/learnings/pages/PatternsPage.tsx";
import { PromotionsPage } from "../features/learnings/pages/PromotionsPage.tsx";
import { createLearningSync } from "../features/learnings/queries.ts";
import { PostmortemsPage } from "../features/postmortems/pages/PostmortemsPage.tsx";
import { createPostmortemSync } from "../features/postmortems/queries.ts";
import { ProcedurePage } from "../features/runbooks/pages/ProcedurePage.tsx";
import { RunbooksPage } from "../features/runbooks/pages/RunbooksPage.tsx";
import { RunPage } from "../features/runbooks/pages/RunPage.tsx";
import { RunsPage } from "../features/runbooks/pages/RunsPage.tsx";
import { createRunSync } from "../features/runbooks/queries.ts";
import { createLiveSync } from "../features/targets/queries.ts";
import { TokensPage } from "../features/tokens/pages/TokensPage.tsx";
import { useHref } from "../lib/router.tsx";
import { matchRoute, pathOf } from "../lib/routes.ts";
import type { Route } from "../lib/routes.ts";
import { LiveConnection, LiveContext, wsUrl } from "../lib/ws.ts";
import { ErrorBoundary } from "../ui/ErrorBoundary.tsx";
import { NotFoundPage } from "../ui/NotFoundPage.tsx";
import { HandoffPage } from "./handoff/HandoffPage.tsx";
import { createHandoffSync } from "./handoff/queries.ts";
import type { Section } from "./NavBar.tsx";
import { BoardPage } from "./pages/BoardPage.tsx";
import { IncidentPage } from "./pages/IncidentPage.tsx";
import { TargetPage } from "./pages/TargetPage.tsx";
import { createQueryClient } from "./queryClient.ts";
import { Shell } from "./Shell.tsx";

// The pages that render markdown load it (react-markdown, remark-gfm) on first use.
const PostmortemPage = lazy(() => import("../features/postmortems/pages/PostmortemPage.tsx").then((m) => ({ default: m.PostmortemPage })));
const LearningPage = lazy(() => import("../features/learnings/pages/LearningPage.tsx").then((m) => ({ default: m.LearningPage })));
const PromotionPage = lazy(() => import("../features/learnings/pages/PromotionPage.tsx").then((m) => ({ default: m.PromotionPage })));
const ProposalPage = lazy(() => import("../features/governance/pages/ProposalPage.tsx").then((m) => ({ default: m.ProposalPage })));
const NewProposalPage = lazy(() => import("../features/governance/pages/NewProposalPage.tsx").then((m) => ({ default: m.NewProposalPage })));

function page(route: Exclude<Route, { name: "login" }>) {
  switch (route.name) {
    case "board":
      return <BoardPage />;
    case "target":
      return <TargetPage key={route.targetName} name={route.targetName} />;
    case "account":
      return <AccountPage />;
    case "users":
      return <UsersPage />;
    case "tokens":
      return <TokensPage />;
    case "audit":
      return <AuditPage />;
    case "incidents":
      return <IncidentsPage />;
    case "incident":
      return <IncidentPage key={route.id} id={route.id} />;
    case "cases":
      return <CasesPage />;
    case "runbooks":
      return <RunbooksPage />;
    case "procedure":
      return <ProcedurePage key={`${route.runbookId}/${route.procedureId}`} runbookId={route.runbookId} procedureId={route.procedureId} />;
    case "runs":
      return <RunsPage />;
    case "run":
      return <RunPage key={route.id} id={route.id} />;
    case "postmortems":
      return <PostmortemsPage />;
    case "postmortem":
      return <PostmortemPage key={route.id} id={route.id} />;
    case "learnings":
      return <LearningsPage />;
    case "patterns":
      return <PatternsPage />;
    case "learning":
      return <LearningPage key={route.learningId} id={route.learningId} />;
    case "promotions":
      return <PromotionsPage />;
    case "promotion":
      return <PromotionPage key={route.id} id={route.id} />;
    case "handoff":
      return <HandoffPage />;
    case "proposals":
      return <ProposalsPage />;
    case "proposal":
      return route.id === "new" ? <NewProposalPage /> : <ProposalPage key={route.id} id={route.id} />;
    case "backups":
      return <BackupsPage />;
    case "backup":
      return <BackupPage key={route.id} id={route.id} />;
    case "notFound":
      return <NotFoundPage path={route.path} />;
  }
}

const TITLES: Partial<Record<Route["name"], string>> = {
  account: "Account",
  users: "Users",
  tokens: "Tokens",
  audit: "Audit",
  incidents: "Incidents",
  cases: "Cases",
  runbooks: "Runbooks",
  runs: "Runs",
  postmortems: "Postmortems",
  learnings: "Learnings",
  patterns: "Patterns · Learnings",
  promotions: "Promotions",
  handoff: "On-call handoff",
  proposals: "Governance",
  backups: "Backups",
  notFound: "Not found",
};

function titleOf(route: Route): string | undefined {
  if (route.name === "target") return route.targetName;
  if (route.name === "incident") return `INC-${route.id}`;
  if (route.name === "procedure") return `${route.procedureId} · Runbooks`;
  if (route.name === "run") return `Run #${route.id}`;
  if (route.name === "postmortem") return `Postmortem #${route.id}`;
  if (route.name === "learning") return route.learningId;
  if (route.name === "promotion") return `Promotion #${route.id}`;
  if (route.name === "proposal") return route.id === "new" ? "New proposal" : `Proposal #${route.id}`;
  if (route.name === "backup") return `${route.id} · Backups`;
  return TITLES[route.name];
}

function sectionOf(route: Route): Section | undefined {
  switch (route.name) {
    case "board":
    case "target":
      return "board";
    case "incidents":
    case "incident":
      return "incidents";
    case "cases":
      return "cases";
    case "runbooks":
    case "procedure":
      return "runbooks";
    case "runs":
    case "run":
      return "runs";
    case "postmortems":
    case "postmortem":
      return "postmortems";
    case "learnings":
    case "patterns":
    case "learning":
    case "promotions":
    case "promotion":
      return "learnings";
    case "handoff":
      return "handoff";
    case "proposals":
    case "proposal":
      return "governance";
    case "backups":
    case "backup":
      return "backups";
    case "account":
    case "users":
    case "tokens":
    case "audit":
      return route.name;
    default:
      return undefined;
  }
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [live] = useState(() => {
    const syncTargets = createLiveSync(queryClient);
    const syncIncidents = createIncidentSync(queryClient);
    const syncRuns = createRunSync(queryClient);
    const syncPostmortems = createPostmortemSync(queryClient);
    const syncLearnings = createLearningSync(queryClient);
    const syncHandoff = createHandoffSync(queryClient);
    const syncProposals = createProposalSync(queryClient);
    const conn: LiveConnection = new LiveConnection({
      url: () => wsUrl(window.location),
      onFrame: (frame) => {
        syncTargets(frame);
        syncIncidents(frame);
        syncRuns(frame);
        syncPostmortems(frame);
        syncLearnings(frame);
        syncHandoff(frame);
        syncProposals(frame);
      },
      onSessionEnded: () => void confirmSessionEnded(queryClient, () => conn.reconnectNow()),
      onHandshakeFailures: () => checkSession(queryClient),
    });
    return conn;
  });

  const href = useHref();
  const route = matchRoute(pathOf(href));

  return (
    <QueryClientProvider client={queryClient}>
      <LiveContext.Provider value={live}>
        {route.name === "login" ? (
          <ErrorBoundary resetKey={href}>
            <LoginPage />
          </ErrorBoundary>
        ) : (
          <AuthGate route={route} href={href}>
            <Shell pageTitle={titleOf(route)} section={sectionOf(route)}>
              <ErrorBoundary resetKey={href}>
                <Suspense fallback={<p className="muted">Loading…</p>}>{page(route)}</Suspense>
              </ErrorBoundary>
            </Shell>
          </AuthGate>
        )}
      </LiveContext.Provider>
    </QueryClientProvider>
  );
}
