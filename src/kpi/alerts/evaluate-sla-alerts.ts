import { randomUUID } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import { createKysely } from '#src/engines/create-kysely.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import { kpiVersion } from '#src/kpi/catalogue/kpi-version.ts';
import type { AlertsConfig, DeskConfig, KpisConfig, SlaConfig } from '#src/kpi/kpi-config.ts';
import type { ColumnType } from '#src/landing/columns.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';
import { ConsoleNotifier } from './notifiers/console-notifier.ts';
import { FanOutNotifier } from './notifiers/fan-out-notifier.ts';
import { FileNotifier } from './notifiers/file-notifier.ts';
import type { AlertDriver, AlertNotification, Notifier } from './notifiers/notifier.ts';
import { SnsNotifier } from './notifiers/sns-notifier.ts';

const KPI = 'sla_compliance_rate';

/** One alert's state; timestamps are ISO-8601 UTC strings (portable across both engines). */
export interface SlaAlertsTable {
  alert_id: string;
  kpi: string;
  status: string;
  raised_at: string;
  last_evaluated_at: string;
  cleared_at: string | null;
  actual: number | null;
  target: number;
  threshold_pp: number;
  window_hours: number;
  drivers: string;
  evaluations: number;
  kpi_version: string;
}

interface AlertDatabase {
  sla_alerts: SlaAlertsTable;
}

const slaAlertsColumns: Record<keyof SlaAlertsTable, ColumnType> = {
  alert_id: 'varchar',
  kpi: 'varchar',
  status: 'varchar',
  raised_at: 'varchar',
  last_evaluated_at: 'varchar',
  cleared_at: 'varchar',
  actual: 'double',
  target: 'double',
  threshold_pp: 'double',
  window_hours: 'double',
  drivers: 'varchar',
  evaluations: 'bigint',
  kpi_version: 'varchar',
};

export interface EvaluateSlaAlertsOptions {
  /** The sections the alert reads: its own, the catalogue's target and what the KPI version hashes. */
  readonly config: {
    readonly alerts: AlertsConfig;
    readonly kpis: KpisConfig;
    readonly sla: SlaConfig;
    readonly desk: DeskConfig;
    readonly stateDir: string;
  };
  readonly engine: QueryEngine;
  readonly store?: ObjectStore;
  readonly runId?: string;
  /** The desk's now (the end of the trailing window). Default: the clock. */
  readonly now?: Date;
  /** Where raised / cleared alerts go. Default: console + file locally, and SNS when a topic is configured. */
  readonly notifier?: Notifier;
}

export interface SlaAlertEvaluation {
  /** `raised` (new), `kept` (still breached), `cleared` (recovered), `ok` (no alert), `no_data`. */
  readonly outcome: 'raised' | 'kept' | 'cleared' | 'ok' | 'no_data';
  readonly actual: number | null;
  readonly target: number;
  readonly measured: number;
  readonly drivers: readonly AlertDriver[];
  /** The notifications sent in this evaluation (at most one). */
  readonly alerts: readonly AlertNotification[];
}

/** No overall target for sla_compliance_rate: nothing to compare against. */
export class SlaTargetMissingError extends Error {
  override readonly name = 'SlaTargetMissingError';
  constructor() {
    super(
      `The KPI catalogue has no overall target for ${KPI}; add one under kpis.catalogue.${KPI}.targets ` +
        '(breakdown "overall", value "all") to evaluate SLA alerts.',
    );
  }
}

/**
 * The default notifier of a configuration: the console and the alert file locally (inside a Lambda
 * only the console: its file system is read-only), plus SNS when `alerts.snsTopicArn` is set.
 */
export function createNotifier(
  config: { readonly alerts: AlertsConfig; readonly stateDir: string },
  env: NodeJS.ProcessEnv = process.env,
): Notifier {
  const file = isAbsolute(config.alerts.file)
    ? config.alerts.file
    : join(config.stateDir, config.alerts.file);
  const notifiers: Notifier[] = [new ConsoleNotifier()];
  if (!env.AWS_LAMBDA_FUNCTION_NAME) notifiers.push(new FileNotifier(file));
  if (config.alerts.snsTopicArn)
    notifiers.push(new SnsNotifier(new SNSClient({}), config.alerts.snsTopicArn));
  return new FanOutNotifier(notifiers);
}

interface CellRow {
  breakdown: string;
  breakdown_value: string;
  met: number;
  measured: number;
}

/**
 * The trailing-window SLA compliance of tickets created in (now − window, now], overall and per
 * breakdown cell: first-reply and resolution targets together, met / (met + breached), as the KPI.
 */
function complianceQuery(nowS: number, windowS: number): string {
  const met = `(case when sla_first_reply_status = 'met' then 1 else 0 end)
      + (case when sla_resolution_status = 'met' then 1 else 0 end)`;
  const measured = `(case when sla_first_reply_status in ('met', 'breached') then 1 else 0 end)
      + (case when sla_resolution_status in ('met', 'breached') then 1 else 0 end)`;
  return `
with recent as (
  select * from fct_tickets
  where not is_deleted
    and to_unixtime(created_at) > ${nowS - windowS} and to_unixtime(created_at) <= ${nowS}
),
cells as (
  select b.breakdown,
    case b.breakdown
      when 'overall' then 'all' when 'channel' then channel when 'priority' then priority
      when 'vip_tier' then vip_tier when 'language' then language when 'category' then category
      else group_tier
    end as breakdown_value,
    ${met} as met,
    ${measured} as measured
  from recent
  cross join (values ('overall'), ('channel'), ('priority'), ('vip_tier'), ('language'), ('category'), ('group_tier'))
    as b (breakdown)
)
select breakdown, breakdown_value, cast(sum(met) as double) as met, cast(sum(measured) as double) as measured
from cells
group by breakdown, breakdown_value`;
}

/**
 * Evaluate the SLA alert: when trailing compliance falls more than `thresholdPp` points below the
 * target, raise one alert (kept, not repeated, while the condition holds) naming the breakdown cells
 * that drive it; clear it when compliance recovers. State lives in the `sla_alerts` table.
 */
export async function evaluateSlaAlerts(options: EvaluateSlaAlertsOptions): Promise<SlaAlertEvaluation> {
  const { config, engine } = options;
  const now = options.now ?? new Date();
  const nowIso = now.toISOString();
  const settings = config.alerts;
  const target = config.kpis.catalogue[KPI]?.targets.find((t) => t.breakdown === 'overall')?.target;
  if (target === undefined) throw new SlaTargetMissingError();
  const floor = target - settings.thresholdPp / 100;

  const result = await engine.execute(complianceQuery(now.getTime() / 1000, settings.windowHours * 3600));
  const cells = result.rows as unknown as CellRow[];
  const overall = cells.find((c) => c.breakdown === 'overall');
  const measured = Number(overall?.measured ?? 0);
  const actual = measured > 0 ? Number(overall!.met) / measured : null;
  const drivers: AlertDriver[] = cells
    .filter((c) => c.breakdown !== 'overall' && Number(c.measured) >= settings.minCellTargets)
    .map((c) => ({
      breakdown: c.breakdown,
      value: c.breakdown_value,
      met: Number(c.met),
      breached: Number(c.measured) - Number(c.met),
      rate: Number(c.met) / Number(c.measured),
    }))
    .filter((d) => d.rate < floor)
    .sort((a, b) => b.breached - a.breached || a.rate - b.rate || a.breakdown.localeCompare(b.breakdown))
    .slice(0, settings.maxDrivers);

  await engine.execute(engine.statements.createTableIfMissing('sla_alerts', slaAlertsColumns));
  const db = createKysely<AlertDatabase>(engine);
  try {
    const open = await db
      .selectFrom('sla_alerts')
      .selectAll()
      .where('kpi', '=', KPI)
      .where('status', '=', 'open')
      .executeTakeFirst();
    const version = kpiVersion(config);
    const base = {
      kpi: KPI,
      actual,
      target,
      thresholdPp: settings.thresholdPp,
      windowHours: settings.windowHours,
    };
    const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);

    if (actual === null) return { outcome: 'no_data', actual, target, measured, drivers, alerts: [] };
    const breached = actual < floor;

    if (breached && !open) {
      const alertId = randomUUID();
      await db
        .insertInto('sla_alerts')
        .values({
          alert_id: alertId,
          kpi: KPI,
          status: 'open',
          raised_at: nowIso,
          last_evaluated_at: nowIso,
          cleared_at: null,
          actual,
          target,
          threshold_pp: settings.thresholdPp,
          window_hours: settings.windowHours,
          drivers: JSON.stringify(drivers),
          evaluations: 1,
          kpi_version: version,
        })
        .execute();
      const names = drivers.map((d) => `${d.breakdown}=${d.value}`).join(', ');
      const notification: AlertNotification = {
        ...base,
        alertId,
        kind: 'raised',
        title:
          `SLA compliance ${pct(actual)} over the last ${settings.windowHours} h is below target ${pct(target)} ` +
          `by more than ${settings.thresholdPp} pp${names ? `; driven by ${names}` : ''}`,
        drivers,
        at: nowIso,
        kpiVersion: version,
      };
      await (options.notifier ?? createNotifier(config)).notify(notification);
      return { outcome: 'raised', actual, target, measured, drivers, alerts: [notification] };
    }

    if (breached && open) {
      await db
        .updateTable('sla_alerts')
        .set({
          last_evaluated_at: nowIso,
          actual,
          drivers: JSON.stringify(drivers),
          evaluations: Number(open.evaluations) + 1,
        })
        .where('alert_id', '=', open.alert_id)
        .execute();
      return { outcome: 'kept', actual, target, measured, drivers, alerts: [] };
    }

    if (!breached && open) {
      await db
        .updateTable('sla_alerts')
        .set({ status: 'cleared', cleared_at: nowIso, last_evaluated_at: nowIso, actual })
        .where('alert_id', '=', open.alert_id)
        .execute();
      const notification: AlertNotification = {
        ...base,
        alertId: open.alert_id,
        kind: 'cleared',
        title: `SLA compliance recovered to ${pct(actual)} over the last ${settings.windowHours} h (target ${pct(target)})`,
        drivers: [],
        at: nowIso,
        kpiVersion: version,
      };
      await (options.notifier ?? createNotifier(config)).notify(notification);
      return { outcome: 'cleared', actual, target, measured, drivers, alerts: [notification] };
    }

    return { outcome: 'ok', actual, target, measured, drivers, alerts: [] };
  } finally {
    await db.destroy();
  }
}
