/**
 * Everything the dashboard page shows, embedded in it as JSON (so the page opens from a file).
 * Built from the same snapshot of the marts the publication exported; values are the engine's
 * JSON-able values (numbers, `YYYY-MM-DD` dates, ISO timestamps).
 */
import type { KnownUnits } from '#src/dashboard/format-value.ts';

export type Cell = string | number | boolean | null;

export interface ScorecardEntry {
  readonly kpi: string;
  /** `overall` / `all`, or the breakdown cell the KPI's target applies to. */
  readonly breakdown: string;
  readonly breakdownValue: string;
  readonly periodGrain: string;
  readonly periodStart: string;
  readonly target: number | null;
  readonly actual: number | null;
  readonly previousActual: number | null;
  readonly change: number | null;
  readonly direction: string | null;
  readonly status: string;
  readonly attainment: number | null;
  readonly owner: string | null;
  readonly frequency: string | null;
}

export interface TrendPoint {
  readonly periodStart: string;
  readonly actual: number | null;
  readonly target: number | null;
}

export interface KpiTrend {
  readonly kpi: string;
  readonly breakdown: string;
  readonly breakdownValue: string;
  readonly grain: string;
  readonly points: readonly TrendPoint[];
}

export interface BreakdownValue {
  readonly breakdown: string;
  readonly value: string;
  readonly kpi: string;
  readonly actual: number | null;
}

/** A table shown as it is (agent performance, alerts), with charts picked from its columns. */
export interface TableBlock {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

export interface SeriesBlock {
  /** x-axis labels (dates or hours). */
  readonly x: readonly string[];
  readonly series: readonly { readonly name: string; readonly values: readonly (number | null)[] }[];
}

export interface DashboardData {
  readonly publication: {
    readonly runId: string;
    readonly kpiVersion: string;
    readonly createdAt: string;
    /** What the run did not extract to its end (a partial publication shows a banner); null: not told. */
    readonly completeness?: {
      readonly complete: boolean;
      readonly missing: readonly {
        readonly source: string;
        readonly stream: string;
        readonly missingSince: string;
        readonly lastSucceededAt: string | null;
        readonly error: string;
      }[];
    } | null;
  };
  /** Display unit of each KPI of the catalogue (others are inferred from their names). */
  readonly kpiUnits: KnownUnits;
  readonly scorecard: readonly ScorecardEntry[];
  readonly qualityIndex: {
    readonly latest: readonly {
      readonly grain: string;
      readonly periodStart: string;
      readonly value: number | null;
    }[];
    readonly history: SeriesBlock;
  } | null;
  readonly trends: readonly KpiTrend[];
  readonly breakdowns: {
    readonly periodGrain: string;
    readonly periodStart: string;
    readonly values: readonly BreakdownValue[];
  } | null;
  readonly backlog: SeriesBlock | null;
  readonly volumeByHour: SeriesBlock | null;
  readonly agents:
    | (TableBlock & {
        readonly period: string;
        readonly nameColumn: string;
        readonly solvedColumn: string | null;
      })
    | null;
  readonly alerts: (TableBlock & { readonly clearedRecently: number }) | null;
  /** Published-list tables absent from this publication (their sections say so). */
  readonly missing: readonly string[];
}
