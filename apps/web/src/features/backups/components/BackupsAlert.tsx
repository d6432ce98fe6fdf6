import { useNow } from "../../../lib/clock.ts";
import { Link } from "../../../lib/router.tsx";
import { backupsPath } from "../../../lib/routes.ts";
import { Banner } from "../../../ui/Banner.tsx";
import { backupAlerts, TYPE_LABEL } from "../backups.ts";
import { BANNER_POLL_MS, useBackupStatus } from "../queries.ts";

/** The board's warning: enabled backup types that are overdue, failing or failed verification; nothing when all is well. */
export function BackupsAlert() {
  const q = useBackupStatus({ pollMs: BANNER_POLL_MS });
  const now = useNow();
  const alerts = backupAlerts(q.data, now);
  if (alerts.length === 0) return null;
  const failing = alerts.some((a) => a.failing);
  return (
    <Banner
      tone={failing ? "error" : "warning"}
      testId="board-backups-alert"
      action={
        <Link to={backupsPath()} className="btn" data-testid="board-backups-link">
          Backups
        </Link>
      }
    >
      <strong>Backups need attention:</strong>
      <ul className="bk-alert__list">
        {alerts.map((a) => (
          <li key={a.type} data-testid={`board-backups-alert-${a.type}`}>
            <strong>{TYPE_LABEL[a.type]}</strong> — {a.problems.join("; ")}
          </li>
        ))}
      </ul>
    </Banner>
  );
}
