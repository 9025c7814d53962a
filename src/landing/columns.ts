import * as z from 'zod';

/**
 * Logical column types of the landing layer. Landing files are JSON lines, so `timestamp` is an
 * ISO-8601 UTC string (`2026-01-31T23:59:59Z`) in both engines; staging models turn it into a
 * timestamp with `from_iso8601_timestamp`. `json` is a JSON document kept as a string.
 */
export type ColumnType = 'varchar' | 'bigint' | 'double' | 'boolean' | 'timestamp' | 'json';

/**
 * How sensitive a column is. `personal` (e-mail, name, phone) and `text` (message bodies, free-text
 * comments) are personal data under the spec: only the compliance role reads them, and retention
 * for `text` is the shorter message-text window.
 */
export type Classification = 'public' | 'personal' | 'text';

export interface ColumnSpec {
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly classification: Classification;
  readonly description: string;
}

/** A fluent, immutable column builder: `col.bigint('Ticket id').nullable()`. */
export class Column implements ColumnSpec {
  constructor(
    readonly type: ColumnType,
    readonly description: string,
    readonly nullable = false,
    readonly classification: Classification = 'public',
  ) {}

  orNull(): Column {
    return new Column(this.type, this.description, true, this.classification);
  }

  personal(): Column {
    return new Column(this.type, this.description, this.nullable, 'personal');
  }

  text(): Column {
    return new Column(this.type, this.description, this.nullable, 'text');
  }
}

export const col = {
  varchar: (description: string) => new Column('varchar', description),
  bigint: (description: string) => new Column('bigint', description),
  double: (description: string) => new Column('double', description),
  boolean: (description: string) => new Column('boolean', description),
  timestamp: (description: string) => new Column('timestamp', description),
  json: (description: string) => new Column('json', description),
};

const isoUtcTimestamp = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/,
    'expected an ISO-8601 UTC timestamp ending in Z',
  );

/** The zod validator of one column, used to validate landing rows before they are written. */
export function columnValidator(column: ColumnSpec): z.ZodType {
  const base: z.ZodType = (() => {
    switch (column.type) {
      case 'varchar':
      case 'json':
        return z.string();
      case 'bigint':
        return z.number().int();
      case 'double':
        return z.number().finite();
      case 'boolean':
        return z.boolean();
      case 'timestamp':
        return isoUtcTimestamp;
    }
  })();
  return column.nullable ? base.nullable() : base;
}
