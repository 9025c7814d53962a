import type { QueryEngine } from '#src/engines/query-engine.ts';
import { AthenaTableExporter } from '#src/publish/athena/athena-table-exporter.ts';
import { DuckDbTableExporter } from '#src/publish/duckdb/duckdb-table-exporter.ts';
import type { TableExporter } from '#src/publish/table-exporter.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

/** The exporter of the engine that holds the tables. */
export function createTableExporter(
  engine: QueryEngine,
  store: ObjectStore,
  stagingDir?: string,
): TableExporter {
  switch (engine.dialect) {
    case 'duckdb':
      return new DuckDbTableExporter(engine, store, stagingDir);
    case 'athena':
      return new AthenaTableExporter(engine, store);
  }
}
