import {
  formatChange,
  formatValue as formatWithUnits,
  type KnownUnits,
  labelOf,
  unitOf as unitWithUnits,
  type ValueUnit,
} from '#src/dashboard/format-value.ts';

/** The units of the publication's KPIs (from its catalogue), set once when the page starts. */
let kpiUnits: KnownUnits = {};

export function setKpiUnits(units: KnownUnits): void {
  kpiUnits = units;
}

/** A value of a KPI or column as the reader sees it, in the KPI's unit. */
export function formatValue(name: string, value: unknown): string {
  return formatWithUnits(name, value, kpiUnits);
}

export function unitOf(name: string): ValueUnit {
  return unitWithUnits(name, kpiUnits);
}

/** A KPI's change from the previous period (`+1.2 pp`, `−4 s`). */
export function formatKpiChange(kpi: string, change: number | null): string {
  return formatChange(kpi, change, kpiUnits);
}

/** `First reply time avg`, or `First reply time avg · chat` for a target on one breakdown cell. */
export function cellLabel(cell: { kpi: string; breakdown: string; breakdownValue: string }): string {
  return cell.breakdown === 'overall' ? labelOf(cell.kpi) : `${labelOf(cell.kpi)} · ${cell.breakdownValue}`;
}
