import { Kysely } from 'kysely';
import type { WarehouseConfig } from '#src/config/warehouse-config.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';
import { AthenaDialect } from './athena/athena-dialect.ts';
import { AthenaEngine } from './athena/athena-engine.ts';
import { DuckDbDialect } from './duckdb/duckdb-dialect.ts';
import { DuckDbEngine } from './duckdb/duckdb-engine.ts';
import type { QueryEngine } from './query-engine.ts';

/**
 * The engine the configuration names. DuckDB reads the lake through the store's addresses
 * (`store.uri(key)`); a local folder is what it reads natively (S3 would need the httpfs extension).
 */
export async function createQueryEngine(config: WarehouseConfig, _store?: ObjectStore): Promise<QueryEngine> {
  const engine = config.engine;
  switch (engine.kind) {
    case 'duckdb':
      return DuckDbEngine.open(engine);
    case 'athena':
      return AthenaEngine.fromConfig(engine);
  }
}

/** A typed Kysely on the engine, in the engine's dialect (application reads/writes of small tables). */
export function createKysely<DB>(engine: QueryEngine): Kysely<DB> {
  if (engine instanceof DuckDbEngine) return new Kysely<DB>({ dialect: new DuckDbDialect(engine) });
  if (engine instanceof AthenaEngine) return new Kysely<DB>({ dialect: new AthenaDialect(engine) });
  throw new TypeError(`no Kysely dialect for engine ${engine.dialect}`);
}
