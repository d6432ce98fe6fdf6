import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { ARTIFACTS } from "./stack.ts";

/** Where the journey pages' pictures land; `npm run docs:journeys` copies them into docs/journeys/img. */
export const JOURNEY_SHOTS = join(ARTIFACTS, "journeys");

/** Set by `npm run docs:journeys`: take the pictures the journey pages show, not only the one a failure needs. */
const FOR_DOCS = process.env.OPS_JOURNEY_SHOTS === "1";

/**
 * One step of a user journey. In an ordinary run, one full-page picture as the test sees it (what a failure needs,
 * at no more cost than any screenshot); for the docs (OPS_JOURNEY_SHOTS=1), the page at a laptop width in the light
 * scheme and at a phone width in the dark one, named `<journey>/<step>-wide.jpg` and `-phone.jpg`, then the page
 * back as it was.
 */
export async function journeyShot(page: Page, journey: string, step: string): Promise<void> {
  const dir = join(JOURNEY_SHOTS, journey);
  mkdirSync(dir, { recursive: true });
  if (!FOR_DOCS) {
    await page.screenshot({ path: join(dir, `${step}.png`), fullPage: true });
    return;
  }
  const size = page.viewportSize() ?? { width: 1440, height: 900 };
  // From the top: a full-page picture of a scrolled page draws the sticky header where the window was.
  const scrolled = await page.evaluate(() => {
    const y = window.scrollY;
    window.scrollTo(0, 0);
    return y;
  });
  const frame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
  try {
    for (const [width, height, scheme, tag] of [
      [1440, 900, "light", "wide"],
      [390, 844, "dark", "phone"],
    ] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width, height });
      await frame();
      await page.screenshot({ path: join(dir, `${step}-${tag}.jpg`), type: "jpeg", quality: 70, fullPage: true });
    }
  } finally {
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize(size);
    await page.evaluate((y) => window.scrollTo(0, y), scrolled);
    await frame();
  }
}
