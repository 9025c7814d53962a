import { DialectAdapterBase } from 'kysely';

/** DuckDB: transactional DDL and RETURNING; one process owns the database, so no migration lock. */
export class DuckDbAdapter extends DialectAdapterBase {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }

  override get supportsReturning(): boolean {
    return true;
  }

  async acquireMigrationLock(): Promise<void> {}

  async releaseMigrationLock(): Promise<void> {}
}
