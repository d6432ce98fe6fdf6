import { getTableColumns, type InferSelectModel, type Table } from "drizzle-orm";

/** A row of a table as a raw statement selecting `columns(table)` returns it: derived from the schema, never restated. */
export type Row<T extends Table> = InferSelectModel<T>;

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The SQL name of a column: the schema's keys are camelCase and the database's names snake_case (drizzle `casing`). */
export function columnName<T extends Table>(table: T, key: keyof Row<T> & string): string {
  const col = getTableColumns(table)[key];
  if (!col) throw new Error(`no column "${key}"`);
  return col.keyAsName ? snake(key) : col.name;
}

/**
 * The select list for a table's columns, each read under its schema key (`started_at AS "startedAt"`), so a
 * raw statement returns `Row<T>` objects. `only` / `except` pick columns; `alias` qualifies them (`i.id`).
 */
export function columns<T extends Table>(
  table: T,
  opts: { alias?: string; only?: readonly (keyof Row<T> & string)[]; except?: readonly (keyof Row<T> & string)[] } = {},
): string {
  const prefix = opts.alias ? `${opts.alias}.` : "";
  const keys = (opts.only ?? (Object.keys(getTableColumns(table)) as (keyof Row<T> & string)[])).filter((k) => !opts.except?.includes(k));
  return keys
    .map((k) => {
      const name = columnName(table, k);
      return name === k ? `${prefix}"${name}"` : `${prefix}"${name}" AS "${k}"`;
    })
    .join(", ");
}
