import type { ColumnSpec } from '#src/landing/columns.ts';
import { type LandingStream, landingRowSchema } from '#src/landing/landing-schemas.ts';

const isoUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

function valueCheck(column: ColumnSpec): (value: unknown) => boolean {
  const base = (() => {
    switch (column.type) {
      case 'varchar':
      case 'json':
        return (v: unknown) => typeof v === 'string';
      case 'bigint':
        return (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v);
      case 'double':
        return (v: unknown) => typeof v === 'number' && Number.isFinite(v);
      case 'boolean':
        return (v: unknown) => typeof v === 'boolean';
      case 'timestamp':
        return (v: unknown) => typeof v === 'string' && isoUtc.test(v);
    }
  })();
  return column.nullable ? (v) => v === null || base(v) : base;
}

export type LandingRowCheck = (row: Record<string, unknown>) => { ok: true } | { ok: false; issues: string };

const checks = new Map<LandingStream, LandingRowCheck>();

/**
 * Checks a landing row against its stream's declaration, as `landingRowSchema` does (same columns,
 * types, nullability, timestamp form, no extra keys), without building a parsed copy of every row:
 * the extractor checks every row of every page, and zod's copy made that its largest cost. A row
 * that fails is checked again by `landingRowSchema`, whose issues become the quarantine reason.
 * tests/extract/landing-row-check.test.ts holds the two to the same verdict on generated rows.
 */
export function landingRowCheck(stream: LandingStream): LandingRowCheck {
  let check = checks.get(stream);
  if (check) return check;
  const columns = Object.entries(stream.columns).map(([name, spec]) => [name, valueCheck(spec)] as const);
  const count = columns.length;
  const schema = landingRowSchema(stream);
  check = (row) => {
    let keys = 0;
    for (const key in row) {
      if (Object.hasOwn(row, key)) keys += 1;
    }
    let valid = keys === count;
    if (valid) {
      for (const [name, test] of columns) {
        if (!Object.hasOwn(row, name) || !test(row[name])) {
          valid = false;
          break;
        }
      }
    }
    if (valid) return { ok: true };
    const result = schema.safeParse(row);
    if (result.success) return { ok: true };
    return {
      ok: false,
      issues: result.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.map(String).join('.') || '(row)'}: ${i.message}`)
        .join(', '),
    };
  };
  checks.set(stream, check);
  return check;
}
