import type { ColumnType } from '#src/landing/columns.ts';
import type { LandingStream } from '#src/landing/landing-schemas.ts';
import type { DataDictionary } from '#src/publish/dictionary/data-dictionary.ts';

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

/** A published table's column with its Glue comment (Glue keeps at most 255 characters). */
export interface GlueColumnComment {
  readonly name: string;
  readonly comment: string;
}

/**
 * The Glue column comments of the published tables, rendered from the data dictionary (model
 * headers, KPI catalogue, runtime-table docs) the way the landing columns' comments are rendered
 * from their declaration: the description, cut to Glue's 255 characters on a word boundary.
 */
export function publishedGlueColumnComments(
  dictionary: DataDictionary,
): Readonly<Record<string, readonly GlueColumnComment[]>> {
  return Object.fromEntries(
    dictionary.tables.map((table) => [
      table.name,
      table.columns.map((column) => ({ name: column.name, comment: glueComment(column.description) })),
    ]),
  );
}

function glueComment(text: string): string {
  if (text.length <= 255) return text;
  const cut = text.slice(0, 254);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 200))}…`;
}
