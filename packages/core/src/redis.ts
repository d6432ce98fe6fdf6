import { Redis, type RedisOptions } from "ioredis";

/**
 * One way to open Redis. BullMQ needs maxRetriesPerRequest: null on its connections;
 * plain clients fail fast instead so an API request never hangs on a dead Redis.
 */
export function createRedis(url: string, opts: { forQueues?: boolean; name?: string } = {}): Redis {
  const options: RedisOptions = {
    connectionName: opts.name ?? "openclaw-ops",
    maxRetriesPerRequest: opts.forQueues ? null : 2,
    enableOfflineQueue: true,
    // Back within 2 s of Redis returning, however long it was away.
    retryStrategy: (times) => Math.min(100 * times, 2_000),
    lazyConnect: false,
  };
  const client = new Redis(url, options);
  client.on("error", () => {
    // Connection errors surface through commands and readiness checks; ioredis reconnects by itself.
  });
  return client;
}
