import { describe, expect, it } from 'vitest';
import { athenaStatements } from '#src/engines/athena/athena-statements.ts';
import {
  athenaLandingTableDdl,
  glueColumns,
  landingGlueTable,
  landingProjectionProperties,
  partitionOfFile,
} from '#src/engines/landing-sources.ts';
import { landingStreams } from '#src/landing/landing-schemas.ts';

const statements = athenaStatements({ curatedLocation: 's3://curated/wh' });
const file = (day: string, n: number) => `s3://lake/landing/zendesk/tickets/dt=${day}/run-${n}.jsonl.gz`;

describe('the landing declaration rendered for Glue', () => {
  it('gives every declared column a Glue type, timestamps and JSON as strings', () => {
    const columns = Object.fromEntries(glueColumns(landingStreams.tickets).map((c) => [c.name, c.type]));
    expect(Object.keys(columns)).toEqual(Object.keys(landingStreams.tickets.columns));
    expect(columns).toMatchObject({
      ticket_id: 'bigint',
      status: 'string',
      is_deleted: 'boolean',
      created_at: 'string',
      tags: 'string',
      _extracted_at: 'string',
    });
    expect(
      glueColumns(landingStreams.comment_sentiment).find((c) => c.name === 'sentiment_score')?.type,
    ).toBe('double');
  });

  it('marks personal and text columns in their Glue comment', () => {
    const comments = Object.fromEntries(glueColumns(landingStreams.user_pii).map((c) => [c.name, c.comment]));
    expect(comments.email).toBe('E-mail [personal]');
    expect(comments.user_id).toBe('User id');
  });

  it('projects the dt partition by day from the stream location', () => {
    expect(landingProjectionProperties('s3://lake/landing/zendesk/tickets')).toMatchObject({
      'projection.enabled': 'true',
      'projection.dt.format': 'yyyy-MM-dd',
      'storage.location.template': `s3://lake/landing/zendesk/tickets/dt=\${dt}/`,
    });
  });

  it('reads JSON keys exactly as spelled and fails on malformed lines', () => {
    const serde = landingGlueTable(landingStreams.tickets, 's3://lake/landing/zendesk/tickets/')
      .storageDescriptor.serdeInfo;
    expect(serde.serializationLibrary).toBe('org.openx.data.jsonserde.JsonSerDe');
    expect(serde.parameters).toEqual({ 'ignore.malformed.json': 'FALSE', 'case.insensitive': 'FALSE' });
  });

  it.each(Object.keys(landingStreams))(
    'prints the Athena DDL of %s from its Glue table, nothing left out',
    (name) => {
      // Prepare
      const stream = landingStreams[name as keyof typeof landingStreams];
      const table = landingGlueTable(stream, 's3://lake/landing/x/', { projectionStart: '2025-06-01' });
      // Act
      const ddl = athenaLandingTableDdl(stream, 's3://lake/landing/x/', { projectionStart: '2025-06-01' });
      // Assess
      const sd = table.storageDescriptor;
      for (const c of [...sd.columns, ...table.partitionKeys])
        expect(ddl).toContain(`\`${c.name}\` ${c.type} COMMENT '${c.comment}'`);
      for (const [k, v] of Object.entries({ ...sd.serdeInfo.parameters, ...table.parameters }))
        expect(ddl).toContain(`'${k}' = '${v}'`);
      for (const text of [
        table.name,
        table.description,
        sd.serdeInfo.serializationLibrary,
        sd.inputFormat,
        sd.outputFormat,
        sd.location,
      ])
        expect(ddl).toContain(text);
      expect(table.parameters['projection.dt.range']).toBe('2025-06-01,NOW');
    },
  );

  it('reads the extract day from a landing file address', () => {
    expect(partitionOfFile(file('2026-03-04', 1))).toBe('2026-03-04');
    expect(partitionOfFile('s3://lake/other/x.gz')).toBeUndefined();
  });
});

describe('the Athena __new view', () => {
  const newView = (allFiles: string[], newFiles: string[]) =>
    statements.landingSources({
      stream: landingStreams.tickets,
      allFiles,
      newFiles,
      prefixUri: 's3://lake/landing/zendesk/tickets/',
    })[1] ?? '';

  it('reads everything without a file list on a full rebuild', () => {
    const all = [file('2026-01-01', 1), file('2026-01-02', 2)];
    expect(newView(all, all)).toMatch(/FROM "landing_zendesk__tickets"$/);
  });

  it('prunes by day only when the file list would not fit in one statement', () => {
    const all = Array.from({ length: 3000 }, (_, i) =>
      file(`2026-01-${String((i % 28) + 1).padStart(2, '0')}`, i),
    );
    const view = newView(all, all.slice(1));
    expect(view).not.toContain('"$path"');
    expect(view).toContain("WHERE dt IN ('2026-01-01'");
    expect(view.length).toBeLessThan(262_144);
  });
});
