import { PostgresQueryCompiler } from 'kysely';

/** DuckDB speaks PostgreSQL's syntax for what Kysely generates: `$n` parameters, `"` identifiers, RETURNING. */
export class DuckDbQueryCompiler extends PostgresQueryCompiler {}
