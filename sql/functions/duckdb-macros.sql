-- DuckDB compatibility layer: Trino (Athena) functions our models call, as DuckDB macros, so the
-- same model files run unchanged on both engines. Loaded by src/engines/duckdb/duckdb-engine.ts
-- into every database it opens (CREATE OR REPLACE, so a newer file wins over an older database).
-- A macro in the main schema shadows a DuckDB built-in of the same name; that is how `date_add`,
-- `date_diff`, `dow`, `cardinality` and `json_extract_scalar` get their Trino meaning here.
-- Each macro is tested against the Trino semantics in tests/engines/duckdb/duckdb-macros.test.ts.
-- Statements are separated by a line holding only `;`.

-- approx_percentile(x, p): Trino returns a value of the input at percentile p in [0, 1] (an
-- approximation); the exact discrete quantile is a valid answer and is deterministic. Models do not
-- call it: their p50/p90 are the exact nearest-rank value on both engines,
-- element_at(array_sort(array_agg(x)), greatest(1, cast(ceil(p * count(x)) as integer))) (docs/DECISIONS.md).
CREATE OR REPLACE MACRO approx_percentile(x, p) AS quantile_disc(x, p)
;
-- element_at(array, i): Trino's 1-based element, NULL past the end (i must be ≥ 1 in Trino). DuckDB's
-- own element_at is for maps only (models use no maps), so this macro gives it the array meaning.
CREATE OR REPLACE MACRO element_at(a, i) AS a[i]
;
-- approx_distinct(x): Trino HyperLogLog estimate; DuckDB's own HyperLogLog estimate.
CREATE OR REPLACE MACRO approx_distinct(x) AS approx_count_distinct(x)
;
-- date_add(unit, value, timestamp): calendar arithmetic; month/quarter/year clamp to the month end.
CREATE OR REPLACE MACRO date_add(unit, n, ts) AS
  CASE lower(unit)
    WHEN 'millisecond' THEN ts + to_milliseconds(CAST(n AS BIGINT))
    WHEN 'second' THEN ts + to_seconds(CAST(n AS BIGINT))
    WHEN 'minute' THEN ts + to_minutes(CAST(n AS BIGINT))
    WHEN 'hour' THEN ts + to_hours(CAST(n AS BIGINT))
    WHEN 'day' THEN ts + to_days(CAST(n AS INTEGER))
    WHEN 'week' THEN ts + to_days(CAST(7 * n AS INTEGER))
    WHEN 'month' THEN ts + to_months(CAST(n AS INTEGER))
    WHEN 'quarter' THEN ts + to_months(CAST(3 * n AS INTEGER))
    WHEN 'year' THEN ts + to_years(CAST(n AS INTEGER))
    ELSE error('date_add: unsupported unit ' || unit)
  END
;
-- date_diff(unit, t1, t2): Trino counts whole units elapsed from t1 to t2 (23:00 → 01:00 next day
-- is 0 days); DuckDB's date_sub does the same (its date_diff counts boundaries crossed instead).
CREATE OR REPLACE MACRO date_diff(unit, a, b) AS date_sub(lower(unit), a, b)
;
-- date_format(timestamp, MySQL format) → strftime with the specifiers translated.
CREATE OR REPLACE MACRO trino_mysql_format(f) AS
  replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    f, '%M', '%B'), '%i', '%M'), '%W', '%A'), '%s', '%S'), '%c', '%-m'), '%e', '%-d'),
    '%h', '%I'), '%k', '%-H'), '%l', '%-I'), '%T', '%H:%M:%S'), '%r', '%I:%M:%S %p'), '%v', '%V')
;
CREATE OR REPLACE MACRO date_format(ts, f) AS strftime(ts, trino_mysql_format(f))
;
-- format_datetime(timestamp, Joda pattern): the common numeric patterns only (yyyy MM dd HH mm ss SSS).
CREATE OR REPLACE MACRO format_datetime(ts, f) AS
  strftime(ts, replace(replace(replace(replace(replace(replace(replace(
    f, 'yyyy', '%Y'), 'MM', '%m'), 'dd', '%d'), 'HH', '%H'), 'mm', '%M'), 'ss', '%S'), 'SSS', '%g'))
;
-- to_unixtime(timestamp): seconds since the epoch as DOUBLE.
CREATE OR REPLACE MACRO to_unixtime(ts) AS epoch(CAST(ts AS TIMESTAMPTZ))
;
-- from_unixtime(seconds): TIMESTAMP WITH TIME ZONE (UTC session).
CREATE OR REPLACE MACRO from_unixtime(x) AS to_timestamp(CAST(x AS DOUBLE))
;
-- from_iso8601_timestamp('2026-01-31T23:59:59Z'): TIMESTAMP WITH TIME ZONE, milliseconds kept.
CREATE OR REPLACE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)
;
CREATE OR REPLACE MACRO from_iso8601_date(s) AS CAST(s AS DATE)
;
-- to_iso8601(timestamp with time zone) → '2026-01-31T23:59:59.000Z' (UTC, as Trino prints a UTC value).
CREATE OR REPLACE MACRO to_iso8601(ts) AS strftime(CAST(ts AS TIMESTAMPTZ), '%Y-%m-%dT%H:%M:%S.%g') || 'Z'
;
-- at_timezone(ts, zone): Trino keeps the instant and changes the zone, so fields read in that zone.
-- DuckDB stores no zone per value: this returns the local wall-clock TIMESTAMP, which gives the
-- same date / hour / day_of_week / date_trunc results. Do not feed it to to_unixtime.
CREATE OR REPLACE MACRO at_timezone(ts, zone) AS timezone(zone, CAST(ts AS TIMESTAMPTZ))
;
-- with_timezone(timestamp, zone): read a wall-clock timestamp as local time in zone.
CREATE OR REPLACE MACRO with_timezone(ts, zone) AS timezone(zone, CAST(ts AS TIMESTAMP))
;
-- json_extract_scalar(json, path): the scalar as VARCHAR; NULL for objects, arrays and JSON null.
CREATE OR REPLACE MACRO json_extract_scalar(j, path) AS
  CASE WHEN json_type(CAST(j AS JSON), path) IN ('OBJECT', 'ARRAY') THEN NULL
       ELSE json_extract_string(CAST(j AS JSON), path) END
;
CREATE OR REPLACE MACRO json_parse(s) AS CAST(s AS JSON)
;
CREATE OR REPLACE MACRO json_format(j) AS CAST(j AS VARCHAR)
;
-- json_array_contains(json, value): whether a JSON array holds the value (compared as text).
CREATE OR REPLACE MACRO json_array_contains(j, v) AS
  CASE WHEN json_type(CAST(j AS JSON)) = 'ARRAY'
       THEN list_contains(CAST(json_extract_string(CAST(j AS JSON), '$[*]') AS VARCHAR[]), CAST(v AS VARCHAR))
  END
;
-- regexp_like(s, pattern): true when the pattern matches anywhere in s.
CREATE OR REPLACE MACRO regexp_like(s, p) AS regexp_matches(s, p)
;
-- day_of_week / dow: ISO, Monday = 1 … Sunday = 7 (DuckDB's own dow has Sunday = 0).
CREATE OR REPLACE MACRO day_of_week(x) AS isodow(x)
;
CREATE OR REPLACE MACRO dow(x) AS isodow(x)
;
CREATE OR REPLACE MACRO day_of_month(x) AS dayofmonth(x)
;
CREATE OR REPLACE MACRO day_of_year(x) AS dayofyear(x)
;
CREATE OR REPLACE MACRO doy(x) AS dayofyear(x)
;
CREATE OR REPLACE MACRO year_of_week(x) AS isoyear(x)
;
CREATE OR REPLACE MACRO last_day_of_month(x) AS last_day(x)
;
-- date(x): CAST(x AS DATE).
CREATE OR REPLACE MACRO date(x) AS CAST(x AS DATE)
;
-- cardinality(array): number of elements (DuckDB's own cardinality is for maps).
CREATE OR REPLACE MACRO cardinality(a) AS len(a)
;
CREATE OR REPLACE MACRO array_join(a, sep) AS array_to_string(a, sep)
;
-- sequence(start, stop[, step]): an inclusive array, of integers or of dates / timestamps.
CREATE OR REPLACE MACRO sequence(a, b) AS generate_series(a, b), (a, b, s) AS generate_series(a, b, s)
;
CREATE OR REPLACE MACRO truncate(x) AS trunc(x)
;
-- greatest / least: Trino returns NULL when any argument is NULL; DuckDB's own skip NULLs.
CREATE OR REPLACE MACRO greatest(a, b) AS
    CASE WHEN a IS NULL OR b IS NULL THEN NULL WHEN a >= b THEN a ELSE b END,
  (a, b, c) AS
    CASE WHEN a IS NULL OR b IS NULL OR c IS NULL THEN NULL
         WHEN a >= b AND a >= c THEN a WHEN b >= c THEN b ELSE c END
;
CREATE OR REPLACE MACRO least(a, b) AS
    CASE WHEN a IS NULL OR b IS NULL THEN NULL WHEN a <= b THEN a ELSE b END,
  (a, b, c) AS
    CASE WHEN a IS NULL OR b IS NULL OR c IS NULL THEN NULL
         WHEN a <= b AND a <= c THEN a WHEN b <= c THEN b ELSE c END
;
