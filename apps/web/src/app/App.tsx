import { QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { AuthGate } from "../features/auth/components/AuthGate.tsx";
import { LoginPage } from "../features/auth/pages/LoginPage.tsx";
import { checkSession, confirmSessionEnded } from "../features/auth/queries.ts";
import { createProposalSync } from "../features/governance/queries.ts";
import { createIncidentSync } from "../features/incidents/queries.ts";
import { createLearningSync } from "../features/learnings/queries.ts";
import { createPostmortemSync } from "../features/postmortems/queries.ts";
import { createRunSync } from "../features/runbooks/queries.ts";
import { createSloSync } from "../features/slo/queries.ts";
import { createLiveSync } from "../features/targets/queries.ts";
import { useHref } from "../lib/router.tsx";
import { matchRoute, pathOf } from "../lib/routes.ts";
import type { Route } from "../lib/routes.ts";
import { LiveConnection, LiveContext, wsUrl } from "../lib/ws.ts";
import { ErrorBoundary } from "../ui/ErrorBoundary.tsx";
import { NotFoundPage } from "../ui/NotFoundPage.tsx";
import { createHandoffSync } from "./handoff/queries.ts";
import type { Section } from "./NavBar.tsx";
import { BoardPage } from "./pages/BoardPage.tsx";
import { TargetPage } from "./pages/TargetPage.tsx";
import { createQueryClient } from "./queryClient.ts";
import { Shell } from "./Shell.tsx";

// The board and the target page are in the first bundle (the board is where a session starts, and a click on a
// tile must show the target at once); every other page loads on first use, so the board does not wait for them.
const UsersPage = lazy(() => import("../features/admin/pages/UsersPage.tsx").then((m) => ({ default: m.UsersPage })));
const AuditPage = lazy(() => import("../features/audit/pages/AuditPage.tsx").then((m) => ({ default: m.AuditPage })));
const AccountPage = lazy(() => import("../features/auth/pages/AccountPage.tsx").then((m) => ({ default: m.AccountPage })));
const BackupPage = lazy(() => import("../features/backups/pages/BackupPage.tsx").then((m) => ({ default: m.BackupPage })));
const BackupsPage = lazy(() => import("../features/backups/pages/BackupsPage.tsx").then((m) => ({ default: m.BackupsPage })));
const CasesPage = lazy(() => import("../features/cases/pages/CasesPage.tsx").then((m) => ({ default: m.CasesPage })));
const ProposalsPage = lazy(() => import("../features/governance/pages/ProposalsPage.tsx").then((m) => ({ default: m.ProposalsPage })));
const IncidentsPage = lazy(() => import("../features/incidents/pages/IncidentsPage.tsx").then((m) => ({ default: m.IncidentsPage })));
const LearningsPage = lazy(() => import("../features/learnings/pages/LearningsPage.tsx").then((m) => ({ default: m.LearningsPage })));
const PatternsPage = lazy(() => import("../features/learnings/pages/PatternsPage.tsx").then((m) => ({ default: m.PatternsPage })));
const PromotionsPage = lazy(() => import("../features/learnings/pages/PromotionsPage.tsx").then((m) => ({ default: m.PromotionsPage })));
const PostmortemsPage = lazy(() => import("../features/postmortems/pages/PostmortemsPage.tsx").then((m) => ({ default: m.PostmortemsPage })));
const ProcedurePage = lazy(() => import("../features/runbooks/pages/ProcedurePage.tsx").then((m) => ({ default: m.ProcedurePage })));
const RunbooksPage = lazy(() => import("../features/runbooks/pages/RunbooksPage.tsx").then((m) => ({ default: m.RunbooksPage })));
const RunPage = lazy(() => import("../features/runbooks/pages/RunPage.tsx").then((m) => ({ default: m.RunPage })));
const RunsPage = lazy(() => import("../features/runbooks/pages/RunsPage.tsx").then((m) => ({ default: m.RunsPage })));
const TokensPage = lazy(() => import("../features/tokens/pages/TokensPage.tsx").then((m) => ({ default: m.TokensPage })));
const SlosPage = lazy(() => import("../features/slo/pages/SlosPage.tsx").then((m) => ({ default: m.SlosPage })));
const SloPage = lazy(() => import("../features/slo/pages/SloPage.tsx").then((m) => ({ default: m.SloPage })));
const DeliveryPage = lazy(() => import("../features/delivery/pages/DeliveryPage.tsx").then((m) => ({ default: m.DeliveryPage })));
const HandoffPage = lazy(() => import("./handoff/HandoffPage.tsx").then((m) => ({ default: m.HandoffPage })));
const IncidentPage = lazy(() => import("./pages/IncidentPage.tsx").then((m) => ({ default: m.IncidentPage })));
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
    case "slos":
      return <SlosPage />;
    case "slo":
      return <SloPage key={route.id} id={route.id} />;
    case "delivery":
      return <DeliveryPage />;
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
  slos: "SLOs",
  delivery: "Delivery",
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
  if (route.name === "slo") return `SLO #${route.id} · SLOs`;
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
    case "slos":
    case "slo":
      return "slos";
    case "delivery":
      return "delivery";
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
    const syncSlos = createSloSync(queryClient);
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
        syncSlos(frame);
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
