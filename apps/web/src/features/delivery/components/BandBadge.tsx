import type { DoraBand } from "@ops/contract";
import { BAND_LABEL } from "../delivery.ts";

/** The band in words (colour is only a second cue); "no band" when there was nothing to measure. */
export function BandBadge({ band, testId }: { band: DoraBand | null; testId?: string }) {
  return (
    <span className={`badge badge--sm dora-band dora-band--${band ?? "none"}`} data-band={band ?? "none"} data-testid={testId}>
      {band ? BAND_LABEL[band] : "No band"}
    </span>
  );
}
