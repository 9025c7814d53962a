import { Kysely } from 'kysely';
import type { QueryEngine } from './query-engine.ts';

/** A typed Kysely on the engine, in the engine's own dialect (run metadata, alerts, readers). */
export function createKysely<DB>(engine: QueryEngine): Kysely<DB> {
  return new Kysely<DB>({ dialect: engine.kyselyDialect() });
}
