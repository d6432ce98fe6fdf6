import net from "node:net";
import postgres from "postgres";
import { redactUrl } from "@ops/config";
import { createRedis } from "./redis.ts";

export class DependencyError extends Error {
  override name = "DependencyError";
}

function tcpReachable(host: string, port: number, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, timeoutMs);
    s.once("connect", () => {
      clearTimeout(t);
      s.destroy();
      resolve(true);
    });
    s.once("error", () => {
      clearTimeout(t);
      resolve(false);
    });
  });
}

const PG_HOWTO = "Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start  (or set DATABASE_URL to a server you have)";
const REDIS_HOWTO =
  'Start it with: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no  (or set REDIS_URL to a server you have)';

/** Say which dependency is missing, at which address, and how to start it; never a stack trace. */
export async function checkPostgres(databaseUrl: string): Promise<void> {
  const u = new URL(databaseUrl);
  const host = u.hostname || "127.0.0.1";
  const port = Number(u.port || 5432);
  if (!(await tcpReachable(host, port))) {
    throw new DependencyError(`PostgreSQL is not reachable at ${host}:${port} (DATABASE_URL=${redactUrl(databaseUrl)}).\n${PG_HOWTO}`);
  }
  const admin = new URL(databaseUrl);
  admin.pathname = "/postgres";
  const sql = postgres(admin.toString(), { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
  } catch (err) {
    throw new DependencyError(`PostgreSQL at ${host}:${port} refused the connection: ${(err as Error).message} (DATABASE_URL=${redactUrl(databaseUrl)})`);
  } finally {
    await sql.end({ timeout: 2 });
  }
}

export async function checkRedis(redisUrl: string): Promise<void> {
  const u = new URL(redisUrl);
  const host = u.hostname || "127.0.0.1";
  const port = Number(u.port || 6379);
  if (!(await tcpReachable(host, port))) {
    throw new DependencyError(`Redis is not reachable at ${host}:${port} (REDIS_URL=${redactUrl(redisUrl)}).\n${REDIS_HOWTO}`);
  }
  const client = createRedis(redisUrl, { name: "openclaw-ops-check" });
  try {
    await Promise.race([client.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error("no answer to PING within 5 s")), 5000))]);
  } catch (err) {
    throw new DependencyError(`Redis at ${host}:${port} did not answer: ${(err as Error).message} (REDIS_URL=${redactUrl(redisUrl)})`);
  } finally {
    client.disconnect();
  }
}
