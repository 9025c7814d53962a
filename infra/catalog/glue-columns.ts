import type { ColumnType } from '#src/landing/columns.ts';
import type { LandingStream } from '#src/landing/landing-schemas.ts';

export interface GlueColumn {
  readonly name: string;
  readonly type: string;
  readonly comment: string;
}

/**
 * Hive types of the landing columns as the JSON SerDe reads them. Timestamps and JSON documents
 * stay strings, exactly as the DuckDB view reads them; staging casts them in both engines.
 */
const hiveTypes: Record<ColumnType, string> = {
  varchar: 'string',
  bigint: 'bigint',
  double: 'double',
  boolean: 'boolean',
  timestamp: 'string',
  json: 'string',
};

/** The Glue columns of one landing stream, in declaration order (Glue comments max 255 chars). */
export function glueColumns(stream: LandingStream): GlueColumn[] {
  return Object.entries(stream.columns).map(([name, spec]) => ({
    name,
    type: hiveTypes[spec.type],
    comment:
      `${spec.description}${spec.classification === 'public' ? '' : ` [${spec.classification}]`}`.slice(
        0,
        255,
      ),
  }));
}
