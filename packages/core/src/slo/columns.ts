import { LATENCY_BOUNDS_MS } from "@ops/contract";
import { probeValidity, type ProbeStatus } from "@ops/domain";

const STATUSES: ProbeStatus[] = ["ok", "warning", "critical", "down", "unknown"];
/** The domain decides which statuses are valid and good; the SQL only counts them. */
export const VALID_STATUSES = STATUSES.filter((s) => probeValidity(s) !== "invalid");
export const GOOD_STATUSES = STATUSES.filter((s) => probeValidity(s) === "good");
/** The rollup columns of the latency bounds, in LATENCY_BOUNDS_MS order. */
export const UNDER_COLUMNS = LATENCY_BOUNDS_MS.map((b) => `under${b}`);
