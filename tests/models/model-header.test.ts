import { describe, expect, it } from 'vitest';
import { DataTestDeclarationError, parseDataTest } from '#src/models/data-test-declaration.ts';
import { ModelHeaderError, parseModelHeader } from '#src/models/model-header.ts';

describe('parseModelHeader', () => {
  it('reads an incremental model with key, partition, description and tests', () => {
    // Prepare
    const text = [
      '-- materialized: incremental',
      '-- unique_key: source, ticket_id',
      '-- partition_by: created_month',
      '-- description: One row per ticket',
      '-- Free text without a key is a comment.',
      '-- test: unique(source, ticket_id)',
      '',
      'select 1',
    ].join('\n');
    // Act
    const header = parseModelHeader(text, 'marts/fct.sql');
    // Assess
    expect(header).toMatchObject({
      materialized: 'incremental',
      uniqueKey: ['source', 'ticket_id'],
      partitionBy: 'created_month',
      description: 'One row per ticket',
      tests: [{ kind: 'unique', columns: ['source', 'ticket_id'], line: 6 }],
    });
  });

  it('reads column docs in header order, the description keeping its own colons', () => {
    // Prepare
    const text = [
      '-- materialized: table',
      '-- description: One row per ticket',
      '-- column: ticket_id: Ticket id in the desk (bigint)',
      '-- column: Created_At: When the ticket was created: UTC timestamp',
      'select 1 as ticket_id, now() as created_at',
    ].join('\n');
    // Act
    const header = parseModelHeader(text, 'marts/fct.sql');
    // Assess
    expect([...(header.columns ?? [])]).toEqual([
      ['ticket_id', 'Ticket id in the desk (bigint)'],
      ['created_at', 'When the ticket was created: UTC timestamp'],
    ]);
    expect(header.lines).toBe(4);
  });

  it.each([
    ['a missing materialisation', '-- description: x\nselect 1', 1, /missing `-- materialized:`/],
    [
      'an unknown materialisation',
      '-- materialized: ephemeral\n-- description: x',
      1,
      /view, table or incremental/,
    ],
    [
      'a typo in a field name, with its line',
      '-- materialized: view\n-- descripton: x',
      2,
      /unknown header field "descripton"/,
    ],
    [
      'an incremental model without a unique key',
      '-- materialized: incremental\n-- description: x',
      1,
      /needs `-- unique_key/,
    ],
    [
      'a unique key on a view',
      '-- materialized: view\n-- unique_key: id\n-- description: x',
      2,
      /incremental models only/,
    ],
    [
      'a partitioned view',
      '-- materialized: view\n-- partition_by: m\n-- description: x',
      2,
      /cannot be partitioned/,
    ],
    ['a missing description', '-- materialized: table\nselect 1', 1, /description/],
    ['a field given twice', '-- materialized: table\n-- materialized: view', 2, /given twice/],
    [
      'a column documented twice',
      '-- materialized: table\n-- description: x\n-- column: id: one\n-- column: ID: two',
      4,
      /column "id" is documented twice/,
    ],
    ['a column doc without a description', '-- materialized: table\n-- column: id:', 2, /empty description/],
    [
      'a column doc without a name',
      '-- materialized: table\n-- column: the id',
      2,
      /column name and a colon/,
    ],
  ])('refuses %s, naming the file and line', (_case, text, line, message) => {
    let error: unknown;
    try {
      parseModelHeader(text, 'marts/m.sql');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelHeaderError);
    expect((error as ModelHeaderError).line).toBe(line);
    expect((error as Error).message).toMatch(new RegExp(`^marts/m\\.sql:${line}: `));
    expect((error as Error).message).toMatch(message);
  });
});

describe('parseDataTest', () => {
  it.each([
    ['not_null(a, b)', { kind: 'not_null', columns: ['a', 'b'] }],
    [
      'accepted_values(status: new, open, solved)',
      { kind: 'accepted_values', column: 'status', values: ['new', 'open', 'solved'] },
    ],
    [
      'relationships(group_id -> dim_groups.group_id)',
      { kind: 'relationships', column: 'group_id', to: 'dim_groups', toColumn: 'group_id' },
    ],
    [
      'reconcile(landing_zendesk__tickets: ticket_id)',
      { kind: 'reconcile', source: 'landing_zendesk__tickets', keys: ['ticket_id'] },
    ],
    ['freshness(updated_at, 36h)', { kind: 'freshness', column: 'updated_at', maxAgeHours: 36 }],
    ['freshness(updated_at, 2d)', { kind: 'freshness', column: 'updated_at', maxAgeHours: 48 }],
    [
      'freshness(period_start, 2d, fct_ticket_events.created_at)',
      {
        kind: 'freshness',
        column: 'period_start',
        maxAgeHours: 48,
        watermark: { model: 'fct_ticket_events', column: 'created_at' },
      },
    ],
  ])('reads %s', (text, expected) => {
    expect(parseDataTest(text, 'm.sql', 3)).toMatchObject({ ...expected, text, line: 3 });
  });

  it.each([
    'unique()',
    'between(a, 1, 2)',
    'relationships(a -> b)',
    'freshness(a, soon)',
    'freshness(a, 2d, not_a_model_column)',
    'accepted_values(a)',
  ])('refuses %s with the file and line', (text) => {
    expect(() => parseDataTest(text, 'm.sql', 7)).toThrow(DataTestDeclarationError);
    expect(() => parseDataTest(text, 'm.sql', 7)).toThrow(/^m\.sql:7: /);
  });
});
