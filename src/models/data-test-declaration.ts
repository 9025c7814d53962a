/**
 * Data tests declared in a model's header, one per `-- test:` line:
 *
 * ```
 * -- test: unique(ticket_id)                           one row per value (or per combination: unique(source, ticket_id))
 * -- test: not_null(ticket_id, created_at)             no NULL in any of these columns
 * -- test: accepted_values(status: new, open, solved)  every non-NULL value is one of these
 * -- test: relationships(group_id -> dim_groups.group_id)   every non-NULL value exists in the other model
 * -- test: reconcile(landing_zendesk__tickets: ticket_id)   rows = distinct keys in the landing table
 * -- test: freshness(updated_at, 36h)                  the newest value is at most this old (h or d)
 * -- test: freshness(period_start, 2d, fct_ticket_events.created_at)
 *                                                      … at most this far behind the run's watermark:
 *                                                      the newest value of that model's column
 * ```
 */
export type DataTestDeclaration = (
  | { readonly kind: 'unique'; readonly columns: readonly string[] }
  | { readonly kind: 'not_null'; readonly columns: readonly string[] }
  | { readonly kind: 'accepted_values'; readonly column: string; readonly values: readonly string[] }
  | {
      readonly kind: 'relationships';
      readonly column: string;
      readonly to: string;
      readonly toColumn: string;
    }
  | { readonly kind: 'reconcile'; readonly source: string; readonly keys: readonly string[] }
  | {
      readonly kind: 'freshness';
      readonly column: string;
      readonly maxAgeHours: number;
      /** Measured against the newest value of this model's column (the run's watermark), not the clock. */
      readonly watermark?: { readonly model: string; readonly column: string };
    }
) & { readonly text: string; readonly line: number };

/** A `-- test:` line that does not follow one of the forms above. */
export class DataTestDeclarationError extends Error {
  override readonly name = 'DataTestDeclarationError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(
      `${file}:${line}: ${problem}\nForms: unique(col[, col]), not_null(col[, col]), accepted_values(col: a, b), ` +
        'relationships(col -> model.col), reconcile(landing_table: key[, key]), freshness(col, 36h[, model.col]).',
    );
  }
}

const IDENT = '[a-z_][a-z0-9_]*';
const identifier = new RegExp(`^${IDENT}$`);

function columnList(text: string, file: string, line: number): string[] {
  const columns = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (columns.length === 0) throw new DataTestDeclarationError(file, line, 'no column named');
  for (const c of columns) {
    if (!identifier.test(c)) throw new DataTestDeclarationError(file, line, `"${c}" is not a column name`);
  }
  return columns;
}

export function parseDataTest(text: string, file: string, line: number): DataTestDeclaration {
  const match = /^([a-z_]+)\s*\((.*)\)\s*$/.exec(text.trim());
  if (!match) throw new DataTestDeclarationError(file, line, `cannot read test "${text}"`);
  const kind = match[1] ?? '';
  const args = (match[2] ?? '').trim();
  const base = { text: text.trim(), line };
  switch (kind) {
    case 'unique':
    case 'not_null':
      return { kind, columns: columnList(args, file, line), ...base };
    case 'accepted_values': {
      const [column, values] = args.split(':', 2).map((s) => s.trim());
      if (!column || !identifier.test(column) || values === undefined) {
        throw new DataTestDeclarationError(file, line, 'accepted_values needs `column: value, value`');
      }
      const list = values
        .split(',')
        .map((v) => v.trim().replace(/^'(.*)'$/, '$1'))
        .filter((v) => v !== '');
      if (list.length === 0) throw new DataTestDeclarationError(file, line, 'accepted_values lists no value');
      return { kind, column, values: list, ...base };
    }
    case 'relationships': {
      const m = new RegExp(`^(${IDENT})\\s*->\\s*(${IDENT})\\.(${IDENT})$`).exec(args);
      if (!m) throw new DataTestDeclarationError(file, line, 'relationships needs `column -> model.column`');
      return { kind, column: m[1] as string, to: m[2] as string, toColumn: m[3] as string, ...base };
    }
    case 'reconcile': {
      const [source, keys] = args.split(':', 2).map((s) => s.trim());
      if (!source || !identifier.test(source) || keys === undefined) {
        throw new DataTestDeclarationError(file, line, 'reconcile needs `landing_table: key[, key]`');
      }
      return { kind, source, keys: columnList(keys, file, line), ...base };
    }
    case 'freshness': {
      const m = new RegExp(
        `^(${IDENT})\\s*,\\s*(\\d+(?:\\.\\d+)?)\\s*([hd])(?:\\s*,\\s*(${IDENT})\\.(${IDENT}))?$`,
      ).exec(args);
      if (!m)
        throw new DataTestDeclarationError(
          file,
          line,
          'freshness needs `column, <n>h` or `column, <n>d`, optionally `, model.column` (the watermark)',
        );
      const amount = Number(m[2]);
      return {
        kind,
        column: m[1] as string,
        maxAgeHours: m[3] === 'd' ? amount * 24 : amount,
        ...(m[4] ? { watermark: { model: m[4], column: m[5] as string } } : {}),
        ...base,
      };
    }
    default:
      throw new DataTestDeclarationError(file, line, `unknown test "${kind}"`);
  }
}
