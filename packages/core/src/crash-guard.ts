/**
 * A dependency's connection dropping is normal (PostgreSQL or Redis restarting); a process crashing on it is
 * not. postgres.js 3.4 starts its array-type lookup on each new connection without a handler, so a connection
 * reset in that moment surfaces as an unhandled rejection (seen in the chaos suite: the API died when
 * PostgreSQL stopped). Such rejections are logged and the process carries on; any other unhandled rejection
 * is a bug and ends the process as Node would, with its stack.
 */
export const CONNECTION_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  // PostgreSQL: admin shutdown, crash shutdown, cannot connect now (starting up or shutting down).
  "57P01",
  "57P02",
  "57P03",
]);

export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && CONNECTION_ERROR_CODES.has(code);
}

export function guardConnectionRejections(log: (msg: string) => void): void {
  process.on("unhandledRejection", (reason) => {
    if (isConnectionError(reason)) {
      log(`a dependency's connection failed outside any request (${(reason as { code: string }).code}: ${(reason as Error).message}); carrying on`);
      return;
    }
    process.stderr.write(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`);
    process.exit(1);
  });
}
