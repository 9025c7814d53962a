import type { DataDictionary } from './data-dictionary.ts';

/** A published table's column with its Glue comment (Glue keeps at most 255 characters). */
export interface GlueColumnComment {
  readonly name: string;
  readonly comment: string;
}

/**
 * The Glue column comments of every published table, from the data dictionary (model headers,
 * KPI catalogue, runtime-table docs): the description, cut to Glue's 255 characters on a word
 * boundary. Not applied by the stack: on Athena the runner re-creates each published name as a
 * view at every build, so a comment set at deploy time would not survive (see DECISIONS).
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
