// The yardstick for `npm run bench:api`: a Fastify hello-world answering GET /api/targets with the same JSON
// body the real API returned (read from the file given as argv[2]), serialised per request as any route would.
// Prints "listening <port>".
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import Fastify from "fastify";

const body = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as unknown;
const app = Fastify({ logger: false });
app.get("/api/targets", () => body);
await app.listen({ host: "127.0.0.1", port: 0 });
process.stdout.write(`listening ${(app.server.address() as AddressInfo).port}\n`);
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
