import { type DuckDBResultReader, DuckDBTypeId } from '@duckdb/node-api';
import type { Row } from '#src/engines/query-engine.ts';

/**
 * DuckDB values → the plain JavaScript values the QueryEngine contract promises (see
 * query-engine.ts): safe integers as numbers, timestamps as ISO-8601 UTC strings with milliseconds,
 * dates as `YYYY-MM-DD`, so results compare equal across engines and serialise to JSON as they are.
 */
export function readRows(reader: DuckDBResultReader): { columns: string[]; rows: Row[] } {
  const columns = reader.columnNames();
  const types = reader.columnTypes().map((t) => t.typeId);
  const raw = reader.getRowObjectsJS();
  const rows = raw.map((record) => {
    const row: Row = {};
    columns.forEach((name, i) => {
      row[name] = toPlain(record[name], types[i]);
    });
    return row;
  });
  return { columns, rows };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

export function toPlain(value: unknown, typeId?: DuckDBTypeId): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint')
    return value <= MAX_SAFE && value >= MIN_SAFE ? Number(value) : value.toString();
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    return typeId === DuckDBTypeId.DATE ? value.toISOString().slice(0, 10) : value.toISOString();
  }
  if (Array.isArray(value)) return value.map((v) => toPlain(v));
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toPlain(v)]),
    );
  }
  return value;
}
