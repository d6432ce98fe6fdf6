import { useMemo } from "react";
import { BACKUP_STATUSES, BACKUP_TYPES } from "@ops/contract";
import { useNow } from "../../../lib/clock.ts";
import { Link, navigate, searchOf, useHref } from "../../../lib/router.tsx";
import { backupsPath, runsPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { Allowed } from "../../../ui/Fields.tsx";
import { QueryBody } from "../../../ui/QueryState.tsx";
import { optionsOf, SelectField } from "../../../ui/SelectField.tsx";
import { isBackupStatus, isBackupType, RESTORE_RUNBOOK, STATUS_LABEL, TYPE_LABEL } from "../backups.ts";
import type { BackupFilter } from "../backups.ts";
import { BackupsTable } from "../components/BackupsTable.tsx";
import { TypeCard } from "../components/TypeCard.tsx";
import { PAGE_POLL_MS, useBackups, useBackupStatus } from "../queries.ts";

const TYPE_OPTIONS = optionsOf(BACKUP_TYPES, (t) => TYPE_LABEL[t]);
const STATUS_OPTIONS = optionsOf(BACKUP_STATUSES, (s) => STATUS_LABEL[s]);

export function BackupsPage() {
  return (
    <Allowed permission="targets:read" action="view backups">
      <Backups />
    </Allowed>
  );
}

/** The history's filter from the URL: /backups?type=redis&status=failed. */
function useFilter(): BackupFilter {
  const search = searchOf(useHref());
  return useMemo(() => {
    const q = new URLSearchParams(search);
    const type = q.get("type");
    const status = q.get("status");
    return { ...(isBackupType(type) ? { type } : {}), ...(isBackupStatus(status) ? { status } : {}) };
  }, [search]);
}

function TypeCards({ now }: { now: number }) {
  const q = useBackupStatus({ pollMs: PAGE_POLL_MS });
  const canRun = useCan("runbooks:run");
  return (
    <QueryBody
      query={q}
      what="backup status"
      action="view backups"
      errorTestId="backups-status-error"
      empty="No backup types are configured."
      emptyTestId="backups-status-empty"
    >
      {(types) => (
        <div className="bk-types" data-testid="backup-types">
          {types.map((t) => (
            <TypeCard key={t.type} t={t} now={now} canRun={canRun} />
          ))}
        </div>
      )}
    </QueryBody>
  );
}

function History({ filter, now }: { filter: BackupFilter; now: number }) {
  const q = useBackups(filter);
  const filtered = Boolean(filter.type || filter.status);
  return (
    <QueryBody
      query={q}
      what="backups"
      action="view backups"
      errorTestId="backups-error"
      empty={filtered ? "No backups match these filters." : "No backup has been taken yet."}
      emptyTestId="backups-empty"
    >
      {(list) => <BackupsTable backups={list} now={now} />}
    </QueryBody>
  );
}

function Backups() {
  const filter = useFilter();
  const now = useNow();
  const set = (patch: { type?: string; status?: string }) => navigate(backupsPath({ ...filter, ...patch }), { replace: true });
  return (
    <div className="page bk-page" data-testid="backups-page">
      <header className="page__head page__head--actions">
        <div>
          <h1>Backups</h1>
          <p className="muted">Every backup is verified when it is taken. Restores go through the Backup restoration runbook.</p>
        </div>
        <Link to={runsPath({ runbook: RESTORE_RUNBOOK })} className="btn btn--lg" data-testid="backups-restore-runs">
          Restore runs
        </Link>
      </header>
      <TypeCards now={now} />
      <section className="bk-history" aria-labelledby="bk-history-h">
        <h2 id="bk-history-h" className="bk-history__title">
          History
        </h2>
        <div className="filters" role="search" aria-label="Filter backups">
          <SelectField id="backups-filter-type" label="Type" value={filter.type ?? ""} options={TYPE_OPTIONS} empty="All" onChange={(v) => set({ type: v })} />
          <SelectField
            id="backups-filter-status"
            label="Status"
            value={filter.status ?? ""}
            options={STATUS_OPTIONS}
            empty="All"
            onChange={(v) => set({ status: v })}
          />
        </div>
        <div className="card card--flush">
          <History key={`${filter.type ?? ""}/${filter.status ?? ""}`} filter={filter} now={now} />
        </div>
      </section>
    </div>
  );
}
