import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG_DIR, REPO_ROOT, fleetFileLabel } from "./paths.ts";

// The pages and messages name the fleet file people actually edit (issue 17, item 11).
describe("fleetFileLabel", () => {
  it("is config/fleet.json for the checkout's own config folder", () => {
    expect(fleetFileLabel(DEFAULT_CONFIG_DIR)).toBe(join("config", "fleet.json"));
  });
  it("is the full path when OPS_CONFIG_DIR points elsewhere", () => {
    expect(fleetFileLabel("/etc/openclaw-ops")).toBe("/etc/openclaw-ops/fleet.json");
    expect(fleetFileLabel(join(REPO_ROOT, "..", "elsewhere"))).toBe(join(REPO_ROOT, "..", "elsewhere", "fleet.json"));
  });
});
