import type { ConfigStatus, ConfigValidation } from "@ops/contract";

export type DiffLineKind = "file" | "hunk" | "add" | "del" | "ctx";
export type DiffLine = { kind: DiffLineKind; text: string };

/** A unified diff split into lines that know what they are, for colouring; the text itself is never markup. */
export function classifyDiff(diff: string | null | undefined): DiffLine[] {
  if (!diff) return [];
  const lines = diff.replace(/\n$/, "").split("\n");
  return lines.map((text) => {
    if (text.startsWith("+++ ") || text.startsWith("--- ")) return { kind: "file", text };
    if (text.startsWith("@@")) return { kind: "hunk", text };
    if (text.startsWith("+")) return { kind: "add", text };
    if (text.startsWith("-")) return { kind: "del", text };
    return { kind: "ctx", text };
  });
}

/** "+3 −1": how many lines the current file adds and removes against the last good copy. */
export function diffStat(lines: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.kind === "add") added++;
    else if (l.kind === "del") removed++;
  }
  return { added, removed };
}

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 12) : "—";
}

export type FileVerdict = { tone: "ok" | "bad" | "missing"; text: string };

/** "valid", "valid; 1 warning(s): …", "invalid: 2 issues", "missing". The issues themselves are listed apart. */
export function fileVerdict(c: Pick<ConfigStatus, "exists" | "validation">): FileVerdict {
  if (!c.exists) return { tone: "missing", text: "missing: the gateway cannot start without it" };
  const v: ConfigValidation | null = c.validation;
  if (!v) return { tone: "missing", text: "not validated yet" };
  if (v.valid) return { tone: "ok", text: v.summary.startsWith("valid") ? v.summary : `valid: ${v.summary}` };
  const n = v.issues.length;
  return { tone: "bad", text: n > 0 ? `invalid: ${n} ${n === 1 ? "issue" : "issues"}` : `invalid: ${v.summary}` };
}

/**
 * `previous`: the file is the newest good copy already, so a restore would put the one before it back (a file
 * snapshotted while the gateway ran on its previous config can still keep it from starting).
 */
export type RestorePlan = { version: number; takenAt: string | null; previous: boolean } | { version: null; why: string };

/** What "Restore last good" would put back, or why there is nothing to restore: no copy yet, or the file is that copy. */
export function restorePlan(c: Pick<ConfigStatus, "restoreCandidate" | "versions" | "lastGood" | "currentSha">): RestorePlan {
  if (c.restoreCandidate == null) {
    if (!c.lastGood) return { version: null, why: "No last-known-good copy yet: the console takes one after the target has been healthy for 60 s." };
    return { version: null, why: "The file is the last good copy already." };
  }
  const v = c.versions.find((x) => x.version === c.restoreCandidate);
  const previous = c.lastGood != null && c.currentSha === c.lastGood.sha && c.restoreCandidate !== c.lastGood.version;
  return { version: c.restoreCandidate, takenAt: v?.takenAt ?? null, previous };
}
