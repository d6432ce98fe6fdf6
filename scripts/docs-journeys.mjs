// `npm run docs:journeys`: run the journey specs with their pictures for the docs on (e2e/support/journeys.ts: each
// step at 1440 px light and 390 px dark), put the pictures the journey pages show into docs/journeys/img, and fail
// naming any picture a page shows that the run did not take. `--no-run` copies from the last such run only.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT, bin, ensureDependencies, fail, log, pnpm } from "./lib.mjs";

const SPECS = ["first-ten-minutes", "restart-checking", "healing-ui", "runbooks", "postmortems", "governance"].map((s) => `specs/${s}.spec.ts`);

const FROM = join(ROOT, "e2e", "artifacts", "journeys");
const DOCS = join(ROOT, "docs", "journeys");
const TO = join(DOCS, "img");

if (!process.argv.includes("--no-run")) {
  ensureDependencies();
  rmSync(FROM, { recursive: true, force: true });
  if (pnpm(["--filter", "@ops/web", "build"], { stdio: ["ignore", "ignore", "inherit"] }) !== 0) fail("the dashboard did not build");
  const run = spawnSync(bin("vitest"), ["run", "--config", "e2e/vitest.config.ts", ...SPECS.map((s) => `e2e/${s}`)], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, OPS_JOURNEY_SHOTS: "1" },
  });
  if (run.status !== 0) fail("a journey spec failed: the pictures are not copied");
}
if (!existsSync(FROM)) fail(`no journey pictures in ${FROM}: run the end-to-end tests first (npm test)`);
const pages = readdirSync(DOCS).filter((f) => f.endsWith(".md"));
const wanted = new Set();
for (const page of pages) {
  for (const m of readFileSync(join(DOCS, page), "utf8").matchAll(/\]\(img\/([^)]+)\)/g)) wanted.add(m[1]);
}
const missing = [...wanted].filter((rel) => !existsSync(join(FROM, rel)));
if (missing.length > 0) fail(`the last run took no picture for: ${missing.join(", ")}`);
rmSync(TO, { recursive: true, force: true });
for (const rel of wanted) {
  mkdirSync(join(TO, rel, ".."), { recursive: true });
  copyFileSync(join(FROM, rel), join(TO, rel));
}
log("docs", `${wanted.size} pictures from ${pages.length} journey pages copied into docs/journeys/img`);
