import type { SourcesConfig } from '#src/connectors/sources-config.ts';
import type { ColumnType } from '#src/landing/columns.ts';
import { openIntervals } from './calendar/open-intervals.ts';
import { dayOfIsoDate, isoDateOfDay, localToEpoch, offsetPeriods } from './calendar/zoned-time.ts';
import { kpiVersion } from './catalogue/kpi-version.ts';
import type { DeskConfig, KpisConfig, SlaConfig, Tier } from './kpi-config.ts';

/** A seed table: loaded by the model runner as `cfg_<name>`. */
export interface SeedTable {
  readonly name: string;
  readonly columns: Readonly<Record<string, ColumnType>>;
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

export interface BuildSeedsOptions {
  /** The desk's "now": SLA pending vs breached, open-ticket durations, backlog end. Default: the clock. */
  readonly now?: Date;
  /** Folder of the SQL models, for the KPI version (a Lambda bundle keeps them elsewhere). */
  readonly sqlRoot?: string;
}

/** Order used for `max_tier`: BOT < L1 < VIP < L2 < L3. */
export const tierRank: Readonly<Record<Tier, number>> = { BOT: 0, L1: 1, VIP: 2, L2: 3, L3: 4 };

/**
 * Support line of a tier, for escalation: the bot, L1 and the VIP desk are all front line (1), L2
 * specialists 2, L3 engineering / security 3. An escalation is a rise of line (L1→L2, L2→L3,
 * L1→L3, and the same from the bot or the VIP desk).
 */
export const tierLevel: Readonly<Record<Tier, number>> = { BOT: 1, L1: 1, VIP: 1, L2: 2, L3: 3 };

/** Days the derived calendar reaches before the earliest source start date: the longest retention window (24 months), so a ticket created that long before extraction began still gets business hours and backlog days. */
export const CALENDAR_DAYS_BEFORE_START = 731;
/** Days the derived calendar reaches past the run's "now": SLA due dates of pending tickets fall after now. */
export const CALENDAR_DAYS_AFTER_NOW = 366;

/**
 * The local dates the business-hours calendar and the reporting day spine cover. An explicit
 * `sla.calendarFrom` / `sla.calendarTo` is honoured as given; an absent one follows the data:
 * from {@link CALENDAR_DAYS_BEFORE_START} days before the earliest configured source `startDate`
 * (the run's "now" when no source names one) to {@link CALENDAR_DAYS_AFTER_NOW} days past "now".
 *
 * The derived range is not part of the KPI version (`kpiVersion` hashes the configuration, where
 * it stays absent): it moves with every run, and a new version would force a full rebuild daily.
 * Extending the spine changes no number already computed: days past "now" are never measured.
 */
export function calendarRange(
  config: Pick<SeedsConfig, 'sla' | 'sources'>,
  now: Date,
): {
  from: string;
  to: string;
} {
  const today = Math.floor(now.getTime() / 86_400_000);
  const starts = Object.values(config.sources)
    .map((section) => (section as { startDate?: unknown } | undefined)?.startDate)
    .filter((d): d is string => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d))
    .map(dayOfIsoDate);
  const earliest = Math.min(today, ...starts);
  const { calendarFrom, calendarTo } = config.sla;
  const explicitFrom = calendarFrom === undefined ? undefined : dayOfIsoDate(calendarFrom);
  const explicitTo = calendarTo === undefined ? undefined : dayOfIsoDate(calendarTo);
  // A derived end never falls before an explicit start, nor a derived start after an explicit end.
  const from = explicitFrom ?? Math.min(earliest - CALENDAR_DAYS_BEFORE_START, explicitTo ?? Infinity);
  const to = explicitTo ?? Math.max(today + CALENDAR_DAYS_AFTER_NOW, from);
  return { from: isoDateOfDay(from), to: isoDateOfDay(to) };
}

/** `,a,b,` so SQL matches a value with `strpos(list, ',' || value || ',') > 0` on both engines. */
function delimited(values: readonly string[] | undefined): string | null {
  return values && values.length > 0 ? `,${values.join(',')},` : null;
}

/**
 * Configuration → the seed tables the KPI models read. Everything a definition depends on is here,
 * so the SQL holds no desk-specific constant:
 * - `cfg_run`: now, the KPI version, the reporting zone;
 * - `cfg_group_tiers`, `cfg_bots`, `cfg_categories`: who is a bot, which group is which tier;
 * - `cfg_sla_policies`: ordered SLA rules; `cfg_business_hours`: each schedule's open intervals in UTC;
 * - `cfg_reporting_offsets`: UTC offset periods of the reporting zone (reporting dates without
 *   time-zone functions, correct across daylight-saving changes); `cfg_reporting_days`: day spine;
 * - `cfg_kpi_catalogue`, `cfg_kpi_targets`: the KPI catalogue and its targets.
 */
/** The sections the seed tables are built from. */
export interface SeedsConfig {
  readonly desk: DeskConfig;
  readonly sla: SlaConfig;
  readonly kpis: KpisConfig;
  readonly sources: SourcesConfig;
}

export function buildSeeds(config: SeedsConfig, options: BuildSeedsOptions = {}): SeedTable[] {
  const now = options.now ?? new Date();
  const version = options.sqlRoot ? kpiVersion(config, options.sqlRoot) : kpiVersion(config);
  const { desk, sla } = config;
  const zone = desk.reportingTimeZone;
  const calendar = calendarRange(config, now);
  const fromS = localToEpoch('UTC', calendar.from, 0) - 2 * 86400;
  const toS = localToEpoch('UTC', calendar.to, 0) + 2 * 86400;

  const run: SeedTable = {
    name: 'run',
    columns: { now_at: 'timestamp', now_s: 'double', kpi_version: 'varchar', reporting_time_zone: 'varchar' },
    rows: [{ now_at: now, now_s: now.getTime() / 1000, kpi_version: version, reporting_time_zone: zone }],
  };

  const groupTiers: SeedTable = {
    name: 'group_tiers',
    columns: {
      group_name: 'varchar',
      tier: 'varchar',
      tier_rank: 'bigint',
      tier_level: 'bigint',
      is_security: 'boolean',
    },
    rows: Object.entries(desk.groupTiers).map(([name, tier]) => ({
      group_name: name,
      tier,
      tier_rank: tierRank[tier],
      tier_level: tierLevel[tier],
      is_security: desk.securityGroups.includes(name),
    })),
  };

  const bots: SeedTable = {
    name: 'bots',
    columns: { user_id: 'bigint' },
    rows: desk.botUserIds.map((id) => ({ user_id: id })),
  };

  const categoryNames = [...new Set([...desk.securityCategories, ...desk.walletCategories])];
  const categories: SeedTable = {
    name: 'categories',
    columns: { category: 'varchar', is_security: 'boolean', is_wallet: 'boolean' },
    rows: categoryNames.map((category) => ({
      category,
      is_security: desk.securityCategories.includes(category),
      is_wallet: desk.walletCategories.includes(category),
    })),
  };

  const policies: SeedTable = {
    name: 'sla_policies',
    columns: {
      rule_order: 'bigint',
      policy_name: 'varchar',
      channels: 'varchar',
      priorities: 'varchar',
      vip_tiers: 'varchar',
      categories: 'varchar',
      group_tiers: 'varchar',
      first_reply_target_s: 'double',
      resolution_target_s: 'double',
      schedule: 'varchar',
    },
    rows: sla.policies.map((p, i) => ({
      rule_order: i + 1,
      policy_name: p.name,
      channels: delimited(p.channels),
      priorities: delimited(p.priorities),
      vip_tiers: delimited(p.vipTiers),
      categories: delimited(p.categories),
      group_tiers: delimited(p.groupTiers),
      first_reply_target_s: p.firstReplyTargetS,
      resolution_target_s: p.resolutionTargetS,
      schedule: p.schedule,
    })),
  };

  const usedSchedules = new Set(sla.policies.map((p) => p.schedule).filter((s) => s !== 'calendar'));
  const businessHours: SeedTable = {
    name: 'business_hours',
    columns: {
      schedule: 'varchar',
      open_from_s: 'bigint',
      open_to_s: 'bigint',
      next_open_from_s: 'bigint',
      open_before_s: 'bigint',
    },
    rows: [...usedSchedules].flatMap((name) =>
      openIntervals(sla.schedules[name]!, calendar.from, calendar.to).map((r) => ({
        schedule: name,
        open_from_s: r.openFromS,
        open_to_s: r.openToS,
        next_open_from_s: r.nextOpenFromS,
        open_before_s: r.openBeforeS,
      })),
    ),
  };

  // Open-ended at both sides so an instant outside the calendar still gets a reporting date.
  const periods = offsetPeriods(zone, fromS, toS);
  const offsets: SeedTable = {
    name: 'reporting_offsets',
    columns: { valid_from_s: 'bigint', valid_to_s: 'bigint', offset_s: 'bigint' },
    rows: periods.map((p, i) => ({
      valid_from_s: i === 0 ? -1e11 : p.validFromS,
      valid_to_s: i === periods.length - 1 ? 1e11 : p.validToS,
      offset_s: p.offsetS,
    })),
  };

  const days: Record<string, unknown>[] = [];
  for (let day = dayOfIsoDate(calendar.from); day <= dayOfIsoDate(calendar.to); day++) {
    const iso = isoDateOfDay(day);
    days.push({
      day_date: iso,
      day_start_s: localToEpoch(zone, iso, 0),
      day_end_s: localToEpoch(zone, isoDateOfDay(day + 1), 0),
    });
  }
  const reportingDays: SeedTable = {
    name: 'reporting_days',
    columns: { day_date: 'varchar', day_start_s: 'bigint', day_end_s: 'bigint' },
    rows: days,
  };

  const entries = Object.entries(config.kpis.catalogue);
  const catalogue: SeedTable = {
    name: 'kpi_catalogue',
    columns: {
      kpi: 'varchar',
      formula: 'varchar',
      direction: 'varchar',
      unit: 'varchar',
      owner: 'varchar',
      frequency: 'varchar',
      source: 'varchar',
      weight: 'double',
      kpi_version: 'varchar',
    },
    rows: entries.map(([kpi, d]) => ({
      kpi,
      formula: d.formula,
      direction: d.direction,
      unit: d.unit,
      owner: d.owner,
      frequency: d.frequency,
      source: d.source,
      weight: d.weight,
      kpi_version: version,
    })),
  };

  const targets: SeedTable = {
    name: 'kpi_targets',
    columns: { kpi: 'varchar', breakdown: 'varchar', breakdown_value: 'varchar', target: 'double' },
    rows: entries.flatMap(([kpi, d]) =>
      d.targets.map((target) => ({
        kpi,
        breakdown: target.breakdown,
        breakdown_value: target.value,
        target: target.target,
      })),
    ),
  };

  return [
    run,
    groupTiers,
    bots,
    categories,
    policies,
    businessHours,
    offsets,
    reportingDays,
    catalogue,
    targets,
  ];
}
