import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { landingRowCheck } from '#src/extract/landing-row-check.ts';
import type { ColumnSpec } from '#src/landing/columns.ts';
import { landingRowSchema, landingStreamNames, landingStreams } from '#src/landing/landing-schemas.ts';

/** Values that a column accepts, and values of every other shape. */
function valueFor(spec: ColumnSpec): fc.Arbitrary<unknown> {
  const valid = (() => {
    switch (spec.type) {
      case 'varchar':
      case 'json':
        return fc.string();
      case 'bigint':
        return fc.oneof(fc.integer(), fc.maxSafeInteger());
      case 'double':
        return fc.double({ noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'timestamp':
        return fc
          .date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString());
    }
  })();
  const other = fc.oneof(
    fc.constant(null),
    fc.constant(undefined),
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.constant(Number.NaN),
    fc.constant(Number.POSITIVE_INFINITY),
    fc.boolean(),
    fc.constant('2026-08-01 10:00:00'),
    fc.constant('2026-08-01T10:00:00+01:00'),
    fc.constant({}),
    fc.constant([]),
  );
  return fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: other, weight: 1 });
}

describe('landingRowCheck', () => {
  for (const name of landingStreamNames) {
    it(`gives the same verdict as landingRowSchema on generated ${name} rows`, () => {
      const stream = landingStreams[name];
      const columns = Object.entries(stream.columns);
      const row = fc
        .record({
          values: fc.tuple(...columns.map(([, spec]) => valueFor(spec))),
          drop: fc.option(fc.integer({ min: 0, max: columns.length - 1 }), { freq: 8 }),
          extra: fc.option(fc.constantFrom('extra', '__proto__x', 'ticket'), { freq: 8 }),
        })
        .map(({ values, drop, extra }) => {
          const out: Record<string, unknown> = {};
          columns.forEach(([column], i) => {
            if (i !== drop) out[column] = values[i];
          });
          if (extra) out[extra] = 1;
          return out;
        });
      const check = landingRowCheck(stream);
      const schema = landingRowSchema(stream);
      fc.assert(
        fc.property(row, (r) => {
          expect(check(r).ok).toBe(schema.safeParse(r).success);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('names the failing column in its issues', () => {
    const check = landingRowCheck(landingStreams.groups);
    const result = check({
      group_id: 1,
      name: 'L1 Frontline',
      is_deleted: 'no',
      created_at: '2026-08-01T00:00:00Z',
      updated_at: '2026-08-01T00:00:00Z',
      _run_id: 'r',
      _extracted_at: '2026-08-01T00:00:00Z',
    });
    expect(result).toEqual({ ok: false, issues: expect.stringContaining('is_deleted') });
  });
});
