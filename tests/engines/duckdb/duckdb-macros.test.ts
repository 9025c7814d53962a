import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '#src/engines/duckdb/duckdb-engine.ts';
import { DUCKDB_SPECIAL_FORMS } from '#src/models/model-portability.ts';

let engine: DuckDbEngine;
beforeAll(async () => {
  engine = await DuckDbEngine.open({ database: ':memory:', memoryLimit: '256MB', threads: 1 });
});
afterAll(() => engine.close());

async function value(expression: string): Promise<unknown> {
  const { rows, columns } = await engine.execute(`SELECT ${expression}`);
  return rows[0]?.[columns[0] ?? ''];
}

/**
 * Each case: a Trino expression as a model would write it, and the result Trino documents for it
 * (Trino function reference; results shown in our value contract: ISO-8601 UTC strings, numbers).
 */
const trinoCases: [string, string, unknown][] = [
  // date_add(unit, value, timestamp)
  [
    'date_add adds days',
    "date_add('day', 1, from_iso8601_timestamp('2026-01-31T10:00:00Z'))",
    '2026-02-01T10:00:00.000Z',
  ],
  [
    'date_add subtracts hours',
    "date_add('hour', -3, from_iso8601_timestamp('2026-01-01T01:00:00Z'))",
    '2025-12-31T22:00:00.000Z',
  ],
  [
    'date_add clamps a month to its end',
    "date_add('month', 1, from_iso8601_timestamp('2024-01-31T00:00:00Z'))",
    '2024-02-29T00:00:00.000Z',
  ],
  [
    'date_add adds weeks',
    "date_add('week', 2, from_iso8601_timestamp('2026-01-01T00:00:00Z'))",
    '2026-01-15T00:00:00.000Z',
  ],
  [
    'date_add adds seconds',
    "date_add('second', 90, from_iso8601_timestamp('2026-01-01T00:00:00Z'))",
    '2026-01-01T00:01:30.000Z',
  ],
  // date_diff(unit, t1, t2): whole units from t1 to t2
  [
    'date_diff counts whole days only',
    "date_diff('day', from_iso8601_timestamp('2026-01-01T23:00:00Z'), from_iso8601_timestamp('2026-01-02T01:00:00Z'))",
    0,
  ],
  [
    'date_diff counts seconds',
    "date_diff('second', from_iso8601_timestamp('2026-01-01T00:00:00Z'), from_iso8601_timestamp('2026-01-01T01:00:05Z'))",
    3605,
  ],
  [
    'date_diff is negative backwards',
    "date_diff('hour', from_iso8601_timestamp('2026-01-02T00:00:00Z'), from_iso8601_timestamp('2026-01-01T00:00:00Z'))",
    -24,
  ],
  [
    'date_diff months need the day reached',
    "date_diff('month', from_iso8601_timestamp('2021-02-28T12:00:00Z'), from_iso8601_timestamp('2021-03-28T11:59:59Z'))",
    0,
  ],
  // date_format(timestamp, MySQL format)
  [
    'date_format with MySQL specifiers',
    "date_format(from_iso8601_timestamp('2026-03-05T07:08:09Z'), '%Y-%m-%d %H:%i:%s')",
    '2026-03-05 07:08:09',
  ],
  [
    'date_format month key',
    "date_format(from_iso8601_timestamp('2026-03-05T07:08:09Z'), '%Y-%m')",
    '2026-03',
  ],
  [
    'date_format month and weekday names',
    "date_format(from_iso8601_timestamp('2026-03-05T07:08:09Z'), '%M %W')",
    'March Thursday',
  ],
  [
    'format_datetime with a Joda pattern',
    "format_datetime(from_iso8601_timestamp('2026-03-05T07:08:09Z'), 'yyyy-MM-dd HH:mm:ss')",
    '2026-03-05 07:08:09',
  ],
  // epoch conversions
  [
    'to_unixtime returns seconds as double',
    "to_unixtime(from_iso8601_timestamp('2020-01-01T00:00:01.500Z'))",
    1577836801.5,
  ],
  ['from_unixtime returns a UTC timestamp', 'from_unixtime(1577836801)', '2020-01-01T00:00:01.000Z'],
  [
    'from_iso8601_timestamp reads Z',
    "from_iso8601_timestamp('2026-01-31T23:59:59Z')",
    '2026-01-31T23:59:59.000Z',
  ],
  [
    'from_iso8601_timestamp reads offsets',
    "from_iso8601_timestamp('2026-01-31T23:59:59+02:00')",
    '2026-01-31T21:59:59.000Z',
  ],
  [
    'from_iso8601_timestamp keeps milliseconds',
    "from_iso8601_timestamp('2026-01-31T23:59:59.123Z')",
    '2026-01-31T23:59:59.123Z',
  ],
  ['from_iso8601_date', "from_iso8601_date('2026-02-03')", '2026-02-03'],
  [
    'to_iso8601 of a UTC timestamp',
    "to_iso8601(from_iso8601_timestamp('2026-01-31T23:59:59Z'))",
    '2026-01-31T23:59:59.000Z',
  ],
  // JSON
  ['json_extract_scalar of an array element', "json_extract_scalar('[1, 2, 3]', '$[2]')", '3'],
  ['json_extract_scalar of a string', 'json_extract_scalar(\'{"a":{"b":"x"}}\', \'$.a.b\')', 'x'],
  ['json_extract_scalar of an object is NULL', 'json_extract_scalar(\'{"a":{"b":1}}\', \'$.a\')', null],
  ['json_extract_scalar of a missing path is NULL', "json_extract_scalar('{\"a\":1}', '$.b')", null],
  ['json_array_contains finds a value', "json_array_contains('[1, 2, 3]', 2)", true],
  ['json_array_contains finds a string', 'json_array_contains(\'["vip","bot"]\', \'bot\')', true],
  ['json_array_contains misses', "json_array_contains('[\"vip\"]', 'bot')", false],
  ['json_array_length', "json_array_length('[1, 2, 3]')", 3],
  // regular expressions
  ['regexp_like matches anywhere', "regexp_like('1a 2b 14m', '\\d+b')", true],
  ['regexp_like anchors', "regexp_like('abc', '^b')", false],
  // calendar fields (ISO)
  ['day_of_week is ISO (Sunday = 7)', "day_of_week(from_iso8601_timestamp('2024-01-07T12:00:00Z'))", 7],
  ['day_of_week is ISO (Monday = 1)', "day_of_week(from_iso8601_date('2024-01-08'))", 1],
  ['dow is day_of_week', "dow(from_iso8601_date('2024-01-07'))", 7],
  ['day_of_month', "day_of_month(from_iso8601_date('2024-01-07'))", 7],
  ['day_of_year', "day_of_year(from_iso8601_date('2024-02-01'))", 32],
  ['year_of_week is the ISO year', "year_of_week(from_iso8601_date('2021-01-01'))", 2020],
  ['last_day_of_month', "last_day_of_month(from_iso8601_date('2024-02-10'))", '2024-02-29'],
  ['date truncates a timestamp', "date(from_iso8601_timestamp('2024-02-10T23:59:00Z'))", '2024-02-10'],
  [
    'date_trunc to the month',
    "date_trunc('month', from_iso8601_timestamp('2024-02-10T23:59:00Z'))",
    '2024-02-01T00:00:00.000Z',
  ],
  // time zones
  [
    'at_timezone reads fields in that zone',
    "hour(at_timezone(from_iso8601_timestamp('2021-08-22T01:04:05Z'), 'America/New_York'))",
    21,
  ],
  [
    'at_timezone gives the local date',
    "CAST(at_timezone(from_iso8601_timestamp('2026-07-01T23:30:00Z'), 'Europe/London') AS DATE)",
    '2026-07-02',
  ],
  [
    'with_timezone reads a wall clock in a zone',
    "with_timezone(CAST('2001-08-22 03:04:05.321' AS TIMESTAMP), 'America/Los_Angeles')",
    '2001-08-22T10:04:05.321Z',
  ],
  // arrays, aggregates, conditionals
  ['cardinality of an array', 'cardinality(ARRAY[1, 2, 3])', 3],
  ['array_join', "array_join(ARRAY['a', 'b'], ',')", 'a,b'],
  [
    'approx_percentile of the median',
    'approx_percentile(x, 0.5) FROM (VALUES (1), (2), (3), (4), (100)) AS t(x)',
    3,
  ],
  [
    'approx_percentile at 0.9',
    'approx_percentile(x, 0.9) FROM (VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10)) AS t(x)',
    9,
  ],
  ['approx_distinct', 'approx_distinct(x) FROM (VALUES (1), (1), (2)) AS t(x)', 2],
  ['element_at of an array is 1-based', 'element_at(ARRAY[10, 20, 30], 2)', 20],
  ['element_at past the end of an array is NULL', 'element_at(ARRAY[10], 3)', null],
  ['greatest is NULL with a NULL argument', 'greatest(1, NULL)', null],
  ['greatest of three', 'greatest(1, 5, 3)', 5],
  ['least of two', 'least(4, 2)', 2],
  ['truncate drops the fraction', 'truncate(-2.7)', -2],
  ['integer division truncates like Trino', '7 / 2', 3],
  ['negative integer division truncates toward zero', '-7 / 2', -3],
  ['count_if', 'count_if(x > 1) FROM (VALUES (1), (2), (3)) AS t(x)', 2],
  ['if', "if(1 > 0, 'yes', 'no')", 'yes'],
  ['sequence of integers', 'sequence(1, 3)', [1, 2, 3]],
];

describe('the DuckDB compatibility macros give the Trino results', () => {
  it.each(trinoCases)('%s', async (_name, expression, expected) => {
    // Act
    const actual = await value(expression);
    // Assess
    expect(actual).toEqual(expected);
  });
});

describe('the DuckDB session', () => {
  it('is in UTC whatever the process time zone', async () => {
    expect(await value("current_setting('TimeZone')")).toBe('UTC');
    expect(await value("CAST(from_iso8601_timestamp('2026-07-01T23:30:00Z') AS DATE)")).toBe('2026-07-01');
  });

  it.each(DUCKDB_SPECIAL_FORMS.map((f) => [f]))('evaluates the special form %s', async (name) => {
    const call: Record<string, [sql: string, expected: unknown]> = {
      coalesce: ['coalesce(NULL, 2)', 2],
      if: ['if(false, 1, 2)', 2],
      current_timestamp: ['CAST(current_timestamp AS VARCHAR) IS NOT NULL', true],
      localtimestamp: ['CAST(localtimestamp AS VARCHAR) IS NOT NULL', true],
      try_cast: ["try_cast('x' AS BIGINT) IS NULL", true],
    };
    const [sql, expected] = call[name] ?? [`'no case for ${name}'`, 'a case for every special form'];
    expect(await value(sql)).toBe(expected);
  });
});
