import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { BoardPage } from "../features/targets/pages/BoardPage.tsx";
import { TargetPage } from "../features/targets/pages/TargetPage.tsx";
import { createLiveSync } from "../features/targets/queries.ts";
import { shouldRetry } from "../lib/api.ts";
import { LiveConnection, LiveContext, wsUrl } from "../lib/ws.ts";
import { ErrorBoundary } from "./ErrorBoundary.tsx";
import { NotFoundPage } from "./NotFoundPage.tsx";
import { useHref } from "./router.tsx";
import { matchRoute } from "./routes.ts";
import type { Route } from "./routes.ts";
import { Shell } from "./Shell.tsx";

function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        retryDelay: (n) => Math.min(1000 * 2 ** n, 10_000),
      },
    },
  });
}

function page(route: Route) {
  switch (route.name) {
    case "board":
      return <BoardPage />;
    case "target":
      return <TargetPage key={route.targetName} name={route.targetName} />;
    case "notFound":
      return <NotFoundPage path={route.path} />;
  }
}

function titleOf(route: Route): string | undefined {
  if (route.name === "target") return route.targetName;
  if (route.name === "notFound") return "Not found";
  return undefined;
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [live] = useState(
    () => new LiveConnection({ url: () => wsUrl(window.location), onFrame: createLiveSync(queryClient) }),
  );
  useEffect(() => {
    live.start();
    return () => live.stop();
  }, [live]);

  const href = useHref();
  const route = matchRoute(href.split("?")[0] ?? "/");

  return (
    <QueryClientProvider client={queryClient}>
      <LiveContext.Provider value={live}>
        <Shell pageTitle={titleOf(route)}>
          <ErrorBoundary resetKey={href}>{page(route)}</ErrorBoundary>
        </Shell>
      </LiveContext.Provider>
    </QueryClientProvider>
  );
}
