import type { DatabaseIntrospector, Dialect, DialectAdapter, Driver, Kysely, QueryCompiler } from 'kysely';
import { InformationSchemaIntrospector } from '#src/engines/information-schema-introspector.ts';
import { DuckDbAdapter } from './duckdb-adapter.ts';
import { DuckDbDriver, type DuckDbSessions } from './duckdb-driver.ts';
import { DuckDbQueryCompiler } from './duckdb-query-compiler.ts';

/** Kysely over the local DuckDB engine: `new Kysely<DB>({ dialect: new DuckDbDialect(engine) })`. */
export class DuckDbDialect implements Dialect {
  constructor(private readonly sessions: DuckDbSessions) {}

  createDriver(): Driver {
    return new DuckDbDriver(this.sessions);
  }

  createQueryCompiler(): QueryCompiler {
    return new DuckDbQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new DuckDbAdapter();
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's Dialect signature.
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new InformationSchemaIntrospector(db);
  }
}
