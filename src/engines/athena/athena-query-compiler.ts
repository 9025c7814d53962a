import { DefaultQueryCompiler } from 'kysely';

/** Trino: `"` identifiers (doubled to escape), `?` parameters (Athena execution parameters); no RETURNING. */
export class AthenaQueryCompiler extends DefaultQueryCompiler {
  protected override getCurrentParameterPlaceholder(): string {
    return '?';
  }

  protected override sanitizeIdentifier(identifier: string): string {
    return identifier.replaceAll('"', '""');
  }
}
