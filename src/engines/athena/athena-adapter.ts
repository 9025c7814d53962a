import { DialectAdapterBase } from 'kysely';

/** Athena: no transactions, no RETURNING; DDL is not transactional. */
export class AthenaAdapter extends DialectAdapterBase {
  override get supportsTransactionalDdl(): boolean {
    return false;
  }

  override get supportsReturning(): boolean {
    return false;
  }

  async acquireMigrationLock(): Promise<void> {}

  async releaseMigrationLock(): Promise<void> {}
}
