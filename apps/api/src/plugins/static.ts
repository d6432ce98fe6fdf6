import { existsSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { REPO_ROOT } from "@ops/config";

/** Serve the built dashboard; unknown non-API paths get index.html so client routes survive a reload. */
export async function registerDashboard(app: FastifyInstance, distDir = join(REPO_ROOT, "apps", "web", "dist")): Promise<boolean> {
  if (!existsSync(join(distDir, "index.html"))) {
    app.log.warn(`dashboard not built (${distDir}/index.html missing): run npm start, which builds it`);
    return false;
  }
  await app.register(fastifyStatic, { root: distDir, prefix: "/", wildcard: false, index: ["index.html"], maxAge: 0 });
  app.addHook("onSend", async (req, reply, payload) => {
    if (req.url.startsWith("/assets/")) reply.header("cache-control", "public, max-age=31536000, immutable");
    return payload;
  });
  return true;
}

export function isDashboardRoute(url: string, method: string): boolean {
  if (method !== "GET" && method !== "HEAD") return false;
  const path = url.split("?")[0] ?? "/";
  return !path.startsWith("/api") && !path.startsWith("/ws") && !path.startsWith("/assets/") && !/\.[a-z0-9]+$/i.test(path);
}
