import type { BackupView } from "@ops/contract";
import { formatTimestamp } from "../../../lib/format.ts";
import { Link } from "../../../lib/router.tsx";
import { backupPath } from "../../../lib/routes.ts";
import { TimeAgo } from "../../../ui/QueryState.tsx";
import { Table } from "../../../ui/Table.tsx";
import { backupDurationMs, backupVerifyState, formatBackupDuration, formatSize } from "../backups.ts";
import { BackupStatusBadge, TypeBadge, VerifyBadge } from "./BackupBadges.tsx";

const HEADS = ["Backup", "Type", "Status", "Started", "Duration", "Size", "Verified", "Trigger"];

function Row({ b, now }: { b: BackupView; now: number }) {
  return (
    <tr data-testid={`backup-row-${b.id}`} data-status={b.status} data-type={b.type} className={`bk-row bk-row--${b.status}`}>
      <td className="cell-nowrap">
        <Link to={backupPath(b.id)} className="inc-key bk-id" data-testid={`backup-link-${b.id}`}>
          {b.id}
        </Link>
      </td>
      <td className="cell-nowrap">
        <TypeBadge type={b.type} />
      </td>
      <td>
        <BackupStatusBadge status={b.status} size="sm" />
        {b.status === "failed" && b.error && (
          <span className="cell-note bk-row__error" title={b.error}>
            {b.error}
          </span>
        )}
      </td>
      <td className="cell-nowrap">
        <TimeAgo iso={b.startedAt} now={now} />
        <span className="cell-note">{formatTimestamp(b.startedAt, now, { withSeconds: false })}</span>
      </td>
      <td className="cell-nowrap">{formatBackupDuration(backupDurationMs(b, now))}</td>
      <td className="cell-nowrap">{formatSize(b.size)}</td>
      <td className="cell-nowrap">
        {b.status === "succeeded" || b.verifyOk !== null ? (
          <VerifyBadge state={backupVerifyState(b)} size="sm" title={b.verifyDetail ?? undefined} />
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="cell-clip" title={b.trigger}>
        {b.trigger}
      </td>
    </tr>
  );
}

/** The history, newest first; each row links to the backup's page. */
export function BackupsTable({ backups, now }: { backups: readonly BackupView[]; now: number }) {
  return (
    <Table heads={HEADS} testId="backups-table" className="bk-table">
      {backups.map((b) => (
        <Row key={b.id} b={b} now={now} />
      ))}
    </Table>
  );
}
