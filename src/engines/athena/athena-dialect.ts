import type { DatabaseIntrospector, Dialect, DialectAdapter, Driver, Kysely, QueryCompiler } from 'kysely';
import { InformationSchemaIntrospector } from '#src/engines/information-schema-introspector.ts';
import { AthenaAdapter } from './athena-adapter.ts';
import { AthenaDriver, type AthenaStatementRunner } from './athena-driver.ts';
import { AthenaQueryCompiler } from './athena-query-compiler.ts';

/** Kysely over Athena: `new Kysely<DB>({ dialect: new AthenaDialect(engine) })`. */
export class AthenaDialect implements Dialect {
  constructor(private readonly engine: AthenaStatementRunner) {}

  createDriver(): Driver {
    return new AthenaDriver(this.engine);
  }

  createQueryCompiler(): QueryCompiler {
    return new AthenaQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new AthenaAdapter();
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's Dialect signature.
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new InformationSchemaIntrospector(db);
  }
}
