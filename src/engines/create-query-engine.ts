import type { EngineConfig } from '#src/engines/engine-config.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';
import { AthenaEngine } from './athena/athena-engine.ts';
import { DuckDbEngine } from './duckdb/duckdb-engine.ts';
import type { QueryEngine } from './query-engine.ts';

/**
 * The engine the configuration names. DuckDB reads the lake through the store's addresses
 * (`store.uri(key)`); a local folder is what it reads natively (S3 would need the httpfs extension).
 */
export async function createQueryEngine(
  config: { readonly engine: EngineConfig },
  _store?: ObjectStore,
): Promise<QueryEngine> {
  const engine = config.engine;
  switch (engine.kind) {
    case 'duckdb':
      return DuckDbEngine.open(engine);
    case 'athena':
      return AthenaEngine.fromConfig(engine);
  }
}
