import type { Manifest } from "@ops/contract";
import type { ReactNode } from "react";
import { Table } from "../../../ui/Table.tsx";
import { formatSize, shortSha, totalRows } from "../backups.ts";

const count = (n: number) => n.toLocaleString("en-US");

export function ManifestFiles({ m }: { m: Manifest }) {
  if (m.files.length === 0) return <p className="empty">The manifest lists no files.</p>;
  return (
    <Table heads={["File", "Size", "sha256"]} testId="backup-files" className="bk-files">
      {m.files.map((f) => (
        <tr key={f.name} data-testid={`backup-file-${f.name}`}>
          <td className="cell-mono bk-files__name">{f.name}</td>
          <td className="cell-nowrap">{formatSize(f.size)}</td>
          <td className="cell-mono cell-nowrap" title={f.sha256}>
            {shortSha(f.sha256)}
          </td>
        </tr>
      ))}
    </Table>
  );
}

type Details = Manifest["details"];

function Databases({ d }: { d: Details }) {
  const databases = d.databases ?? [];
  const counts = d.tables ?? {};
  // Databases named in the row counts but not in the list (an older manifest) are shown too.
  const names = [...new Set([...databases.map((x) => x.name), ...Object.keys(counts)])];
  if (names.length === 0) return null;
  return (
    <Detail title="Databases" testId="backup-databases">
      {names.map((name) => {
        const db = databases.find((x) => x.name === name);
        const tables = Object.entries(counts[name] ?? {}).sort(([a], [b]) => a.localeCompare(b));
        return (
          <details key={name} className="bk-db" data-testid={`backup-db-${name}`}>
            <summary>
              <strong>{name}</strong>{" "}
              <span className="muted">
                {tables.length} {tables.length === 1 ? "table" : "tables"}, {count(totalRows(counts[name] ?? {}))} rows
                {db && ` · ${db.file}`}
              </span>
              {db?.url && <code className="bk-db__url">{db.url}</code>}
            </summary>
            {tables.length > 0 && (
              <Table heads={["Table", "Rows"]} className="bk-rows">
                {tables.map(([table, rows]) => (
                  <tr key={table}>
                    <td className="cell-mono">{table}</td>
                    <td className="bk-num">{count(rows)}</td>
                  </tr>
                ))}
              </Table>
            )}
          </details>
        );
      })}
    </Detail>
  );
}

/** Lines of text, one a row; in code type for paths and versions. */
export function TextList({ items, code }: { items: readonly string[]; code?: boolean }) {
  return (
    <ul className="bk-list">
      {items.map((s) => (
        <li key={s}>{code ? <code>{s}</code> : s}</li>
      ))}
    </ul>
  );
}

function Detail({ title, testId, tone, children }: { title: string; testId: string; tone?: "skipped"; children: ReactNode }) {
  return (
    <div className={tone ? `bk-detail bk-detail--${tone}` : "bk-detail"} data-testid={testId}>
      <h3>{title}</h3>
      {children}
    </div>
  );
}

/** What the backup holds beyond its files: row counts per database, Redis keys, paths, agents, and what was skipped. */
export function ManifestDetails({ m }: { m: Manifest }) {
  const d = m.details;
  const { redisKeys, paths = [], agents = [], skipped = [] } = d;
  const nothing =
    (d.databases ?? []).length === 0 &&
    Object.keys(d.tables ?? {}).length === 0 &&
    redisKeys === undefined &&
    paths.length === 0 &&
    agents.length === 0 &&
    skipped.length === 0;
  if (nothing) return <p className="empty">No details recorded.</p>;
  return (
    <div className="bk-details">
      <Databases d={d} />
      {redisKeys !== undefined && (
        <Detail title="Redis" testId="backup-redis-keys">
          <p>
            {count(redisKeys)} {redisKeys === 1 ? "key" : "keys"} in the snapshot
          </p>
        </Detail>
      )}
      {paths.length > 0 && (
        <Detail title="Paths" testId="backup-paths">
          <TextList items={paths} code />
        </Detail>
      )}
      {agents.length > 0 && (
        <Detail title="Agents" testId="backup-agents">
          <Table heads={["Agent", "State directory", "Archive"]} className="bk-agents">
            {agents.map((a) => (
              <tr key={a.name}>
                <td className="cell-strong">{a.name}</td>
                <td className="cell-mono">{a.stateDir}</td>
                <td className="cell-mono">{a.file}</td>
              </tr>
            ))}
          </Table>
        </Detail>
      )}
      {skipped.length > 0 && (
        <Detail title="Skipped" testId="backup-skipped" tone="skipped">
          <TextList items={skipped} />
        </Detail>
      )}
    </div>
  );
}
