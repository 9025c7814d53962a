import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ticketEventToLandingRows,
  zendeskTicketEventSchema,
} from '#src/connectors/zendesk/zendesk-records.ts';
import { DuckDbEngine } from '#src/engines/duckdb/duckdb-engine.ts';
import { freeTextFieldNames } from '#src/governance/access/access-policy.ts';
import { landingStreams } from '#src/landing/landing-schemas.ts';
import { latestRowsModel } from '#src/landing/latest-rows.ts';
import { duckDbCopyStatements } from '#src/publish/duckdb/duckdb-copy-statements.ts';
import { withheldTextExpressions } from '#src/publish/published-tables.ts';

/**
 * Ticket subjects are message text (KPIS.md). A subject change is also a field-change row of the
 * ticket events, whose `value` every analyst and engineer reads: the text is withheld there at every
 * layer — not landed, nulled in staging, withheld from the analyst's published files.
 */

const SUBJECT = 'My seed phrase is PASSWORD-IN-SUBJECT';
let engine: DuckDbEngine;
let dir: string;

beforeAll(async () => {
  engine = await DuckDbEngine.open({ database: ':memory:', memoryLimit: '256MB', threads: 1 });
  dir = await mkdtemp(join(tmpdir(), 'free-text-'));
});
afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a subject change', () => {
  it('is landed without its text, while other field changes keep their values', () => {
    // Prepare
    const raw = {
      id: 1,
      ticket_id: 7,
      timestamp: 1767225600,
      created_at: '2026-01-01T00:00:00Z',
      updater_id: 5,
      event_type: 'Audit',
      child_events: [
        { id: 11, event_type: 'Change', field_name: 'subject', value: SUBJECT, previous_value: 'Help' },
        { id: 12, event_type: 'Change', subject: SUBJECT, previous_value: 'Help' },
        { id: 13, event_type: 'Change', field_name: 'status', value: 'open', previous_value: 'new' },
      ],
    };

    // Act
    const rows = ticketEventToLandingRows(zendeskTicketEventSchema.parse(raw), raw);

    // Assess
    expect(rows.ticket_events?.map((r) => [r.field_name, r.value, r.previous_value])).toEqual([
      ['subject', null, null],
      ['subject', null, null],
      ['status', 'open', 'new'],
    ]);
  });

  it('is nulled by the staging model for landing files extracted before', async () => {
    // Prepare: a landing relation as the engine provides it, with a subject change in it.
    const sql = await readFile('sql/staging/zendesk/stg_zendesk__ticket_events.sql', 'utf8');
    await engine.execute(`create table landing_zendesk__ticket_events__new as select * from (values
      (11, 1, 7, '2026-01-01T00:00:00Z', 5, 'web', 'Change', 'Subject', '${SUBJECT}', 'Help', 'r1', '2026-01-02T00:00:00Z'),
      (13, 1, 7, '2026-01-01T00:00:00Z', 5, 'web', 'Change', 'status', 'open', 'new', 'r1', '2026-01-02T00:00:00Z')
    ) as t(event_id, audit_id, ticket_id, created_at, updater_id, via_channel, event_type, field_name, value,
           previous_value, _run_id, _extracted_at)`);
    await engine.execute(
      `create view landing_zendesk__ticket_events__new_latest as ${latestRowsModel(landingStreams.ticket_events)}`,
    );

    // Act
    const staged = await engine.execute(
      `select field_name, value, previous_value from (${sql}\n) as s order by event_id`,
    );

    // Assess
    expect(staged.rows).toEqual([
      { field_name: 'Subject', value: null, previous_value: null },
      { field_name: 'status', value: 'open', previous_value: 'new' },
    ]);
    for (const field of freeTextFieldNames) expect(sql).toContain(`'${field}'`);
  });

  it('is withheld from the published files of a fact built before, rows and counts kept', async () => {
    // Prepare
    await engine.execute(`create table fct_ticket_events as select * from (values
      (11, 7, 'subject', '${SUBJECT}', 'Help'), (13, 7, 'status', 'open', 'new')
    ) as t(event_id, ticket_id, field_name, value, previous_value)`);
    const columns = ['event_id', 'ticket_id', 'field_name', 'value', 'previous_value'];
    const csvFile = join(dir, 'fct_ticket_events.csv');

    // Act
    const statements = duckDbCopyStatements({
      table: 'fct_ticket_events',
      columns,
      expressions: withheldTextExpressions('fct_ticket_events', columns),
      parquetDir: dir,
      csvFile,
    });
    await engine.execute(statements.csv);
    await engine.execute(statements.parquet);

    // Assess
    const csv = await readFile(csvFile, 'utf8');
    const parquet = await engine.execute(
      `select * from read_parquet('${join(dir, 'part-0.parquet')}') order by event_id`,
    );
    expect(csv).not.toContain('PASSWORD-IN-SUBJECT');
    expect(csv.trim().split('\n')).toHaveLength(3);
    expect(parquet.rows).toEqual([
      { event_id: 11, ticket_id: 7, field_name: 'subject', value: null, previous_value: null },
      { event_id: 13, ticket_id: 7, field_name: 'status', value: 'open', previous_value: 'new' },
    ]);
  });
});
