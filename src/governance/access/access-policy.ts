import { type LandingStream, landingStreams, landingTableName } from '#src/landing/landing-schemas.ts';
import { RUNNER_TABLES } from '#src/shared/runner-tables.ts';
import type { Role } from './role.ts';

/**
 * The access policy, declared once. The local `warehouse query --role` enforces it against
 * DuckDB's own plan of the statement (`check-plan.ts`, in a read-only sandbox), and the AWS
 * deployment renders it (`renderAccessPolicy`) into Lake Formation grants with column exclusions
 * and one Athena workgroup per role (where `check-statement.ts` only pre-checks).
 *
 * A table belongs to one class; a role reads the classes listed for it. Independently, a column is
 * `personal` or `text` (from the landing declaration, or by name in curated tables) and only roles
 * with `personal` / `text` read it, wherever it is reached from: directly, through `*`, a view, a
 * join, a subquery or a CTE.
 */
export type TableClass =
  /** Aggregated KPI marts: no row is about one customer. */
  | 'kpi_mart'
  /** Curated facts and dimensions keyed by pseudonymous ids (`customer_key`, user ids). */
  | 'fact'
  /** Seed tables built from configuration (`cfg_*`): targets, calendars, group tiers. */
  | 'seed'
  /** Staging and intermediate models: not exposed to analysts (dbt convention). */
  | 'model'
  /** Landing streams without personal data. */
  | 'landing'
  /** Run tables, manifests, data-test results, the audit log as a table. */
  | 'operational'
  /** Personal data (e-mail, names, phones) or message text: the mapping tables. */
  | 'restricted'
  /** Not declared anywhere: refused to everyone but compliance and the pipeline (fail closed). */
  | 'unclassified';

export type ColumnClass = 'personal' | 'text';

export interface RolePolicy {
  readonly description: string;
  readonly classes: readonly TableClass[];
  /** Column classes this role reads. */
  readonly columns: readonly ColumnClass[];
  readonly mayExport: boolean;
}

/**
 * The Athena workgroup of a role: `<prefix>-<role>`. The deployment names its workgroups with this
 * (prefix = the deployment's name), so the policy and the stack cannot disagree.
 */
export function workgroupName(prefix: string, role: Role): string {
  return `${prefix}-${role}`;
}

export const rolePolicies: Readonly<Record<Role, RolePolicy>> = {
  analyst: {
    description: 'reads KPI marts and the non-personal columns of facts',
    classes: ['kpi_mart', 'fact', 'seed'],
    columns: [],
    mayExport: false,
  },
  engineer: {
    description:
      'operates the pipeline: reads operational metadata, models and marts, never personal data or message text',
    classes: ['kpi_mart', 'fact', 'seed', 'model', 'landing', 'operational'],
    columns: [],
    mayExport: false,
  },
  compliance: {
    description: 'reads everything retained, including personal data and message text, and may export it',
    classes: ['kpi_mart', 'fact', 'seed', 'model', 'landing', 'operational', 'restricted', 'unclassified'],
    columns: ['personal', 'text'],
    mayExport: true,
  },
  pipeline: {
    description: "the pipeline's own identity: builds every layer",
    classes: ['kpi_mart', 'fact', 'seed', 'model', 'landing', 'operational', 'restricted', 'unclassified'],
    columns: ['personal', 'text'],
    mayExport: false,
  },
};

/** Aggregated marts (published names, KPIS.md): readable by every role, kept by retention. */
export const kpiMarts: readonly string[] = [
  'kpi_values',
  'kpi_scorecard',
  'service_quality_index',
  'kpi_daily_wide',
  'kpi_weekly_wide',
  'kpi_monthly_wide',
  'backlog_daily',
  'ticket_volume_hourly',
  'agent_performance',
  'contact_reasons',
  // Which source streams a publication holds whole (a view the publisher writes; no personal data).
  'publication_completeness',
];

/** Curated facts and dimensions (published names); any other `fct_` / `dim_` table is one too. */
export const factTables: readonly string[] = [
  'fct_tickets',
  'fct_ticket_events',
  'fct_satisfaction_ratings',
  'fct_nps_responses',
  'dim_customers',
  'dim_agents',
  'dim_groups',
  'sla_alerts',
];

/**
 * Operational metadata tables the engineer reads: the ones the runner really creates in the engine,
 * named where it creates them — its run metadata (`warehouse_runs`, `landing_watermarks`,
 * `run_relation_fingerprints`) and the transform's change log (`run_model_changes`). Manifests,
 * data-test reports and the audit log are files in the lake and the state folder, not tables.
 */
export const operationalTables: readonly string[] = RUNNER_TABLES;
const operationalPattern = /^(_|ops_|run_|wh_)/;

/** Landing streams holding personal data or message text; a curated table named after one is restricted. */
const restrictedStreams = Object.values(landingStreams as Record<string, LandingStream>)
  .filter((s) => s.restricted)
  .map((s) => s.stream);
const restrictedNamePattern = new RegExp(`(${restrictedStreams.join('|')}|_pii$|_pii_|_texts?$|_texts?_)`);

/** Curated column names that are personal data or message text wherever they appear. */
const personalColumnPattern =
  /^(.*_)?(email|e_mail|phone|phone_number|firstname|lastname|first_name|last_name|full_name|name|ip_address)$/;
const textColumnPattern = /^(.*_)?(subject|description|body|comment|comment_text|message|message_text|note)$/;
/** `name`-like columns that name things, not people. */
const publicNamePattern =
  /(^|_)(group|brand|kpi|stage|model|table|column|field|test|source|stream|category|channel|tier|queue|macro|view|schema)_name$/;
const publicNameColumns = new Set(['dim_groups.name', 'stg_zendesk__groups.name', 'int_groups.name']);

/**
 * Ticket fields whose value is free text a person wrote (message text by the spec). A field change
 * of one of these carries the text in `value` / `previous_value`: the connector does not land it,
 * staging nulls it, and publication withholds it — so subjects reach no role without `text`.
 */
export const freeTextFieldNames: readonly string[] = [
  'subject',
  'raw_subject',
  'description',
  'comment',
  'body',
  'html_body',
  'recipient',
];

/** Whether a ticket field change's values are free text (field names compared case-insensitively). */
export function isFreeTextField(fieldName: string | null | undefined): boolean {
  return (
    fieldName !== null && fieldName !== undefined && freeTextFieldNames.includes(fieldName.toLowerCase())
  );
}

/**
 * Tables where some rows hold message text in otherwise public columns: the columns, and the SQL
 * predicate (Athena and DuckDB alike) true on those rows.
 */
export interface TextRows {
  readonly columns: readonly string[];
  readonly textWhen: string;
}

const freeTextFieldPredicate = `lower(field_name) IN (${freeTextFieldNames.map((f) => `'${f}'`).join(', ')})`;

export const textRows: Readonly<Record<string, TextRows>> = {
  fct_ticket_events: { columns: ['value', 'previous_value'], textWhen: freeTextFieldPredicate },
};

/**
 * The value expression for `column` of `table` as `role` may read it: the column itself, or NULL
 * on the rows where it holds message text the role may not read; undefined when it is the column.
 */
export function columnAsReadBy(
  role: Role,
  table: string,
  column: string,
  quoted: string,
): string | undefined {
  const rows = textRows[table.toLowerCase()];
  if (!rows || roleReadsColumn(role, 'text') || !rows.columns.includes(column.toLowerCase()))
    return undefined;
  return `CASE WHEN ${rows.textWhen} THEN NULL ELSE ${quoted} END`;
}

export interface TableClassification {
  readonly table: string;
  readonly class: TableClass;
  /** Why this class: shown in refusals. */
  readonly because: string;
  /** Column classification by column name (only sensitive columns are listed). */
  readonly sensitive: ReadonlyMap<string, ColumnClass>;
}

const landingByTable = new Map(
  Object.values(landingStreams as Record<string, LandingStream>).map((s) => [landingTableName(s), s]),
);

/** Classify a table (and the sensitive columns among `columns`, for curated tables). */
export function classifyTable(name: string, columns: readonly string[] = []): TableClassification {
  const table = name.toLowerCase();
  // A landing table, its `__new` rows and their generated latest-row relation hold the same columns.
  const stream = landingByTable.get(table.replace(/__new(_latest)?$/, ''));
  if (stream) {
    const sensitive = new Map<string, ColumnClass>();
    for (const [column, spec] of Object.entries(stream.columns)) {
      if (spec.classification !== 'public') sensitive.set(column, spec.classification);
    }
    return {
      table,
      class: stream.restricted ? 'restricted' : 'landing',
      because: stream.restricted
        ? `landing stream ${stream.stream} holds personal data or message text`
        : `landing stream ${stream.stream}`,
      sensitive,
    };
  }
  const sensitive = curatedSensitiveColumns(table, columns);
  const make = (cls: TableClass, because: string): TableClassification => ({
    table,
    class: cls,
    because,
    sensitive,
  });
  if (restrictedNamePattern.test(table))
    return make('restricted', 'named after personal data or message text');
  if (kpiMarts.includes(table) || /^kpi_/.test(table)) return make('kpi_mart', 'aggregated KPI mart');
  if (table.startsWith('cfg_')) return make('seed', 'seed table built from configuration');
  if (operationalTables.includes(table) || operationalPattern.test(table))
    return make('operational', 'operational metadata');
  if (factTables.includes(table) || /^(fct|dim)_/.test(table))
    return make('fact', 'curated fact or dimension');
  if (/^(stg|int|chg)_/.test(table))
    return make('model', 'staging, intermediate or change-layer model (not exposed)');
  return make('unclassified', 'not declared in the access policy');
}

function curatedSensitiveColumns(table: string, columns: readonly string[]): Map<string, ColumnClass> {
  const sensitive = new Map<string, ColumnClass>();
  for (const raw of columns) {
    const column = raw.toLowerCase();
    if (publicNamePattern.test(column) || publicNameColumns.has(`${table}.${column}`)) continue;
    if (personalColumnPattern.test(column)) sensitive.set(column, 'personal');
    else if (textColumnPattern.test(column)) sensitive.set(column, 'text');
  }
  return sensitive;
}

/** Whether `role` reads tables of this class. */
export function roleReadsClass(role: Role, cls: TableClass): boolean {
  return rolePolicies[role].classes.includes(cls);
}

/** Whether `role` reads columns of this class. */
export function roleReadsColumn(role: Role, cls: ColumnClass): boolean {
  return rolePolicies[role].columns.includes(cls);
}

/** The rule text shown in a refusal. */
export function ruleFor(role: Role): string {
  return `${role} ${rolePolicies[role].description}`;
}

/** One role's grants, rendered for the AWS deployment. */
export interface RenderedRoleGrants {
  readonly role: Role;
  readonly workgroup: string;
  readonly description: string;
  readonly mayExport: boolean;
  /** Tables to grant SELECT on, each with the columns to exclude (Lake Formation ColumnWildcard). */
  readonly tables: readonly {
    readonly table: string;
    readonly class: TableClass;
    readonly excludedColumns: readonly string[];
  }[];
  /** Tables known to the policy that this role gets no grant on. */
  readonly deniedTables: readonly string[];
}

export interface RenderedAccessPolicy {
  readonly version: 1;
  readonly roles: readonly RenderedRoleGrants[];
}

/**
 * Render the policy for the CDK app: per role, the tables to grant and the columns to exclude.
 * `tables` maps each table to its columns; by default the landing streams (columns from their
 * declaration) plus the published marts (their columns unknown until built: nothing excluded,
 * since curated non-restricted tables must carry no personal column — the query check and a data
 * test enforce that). Pass the engine's catalog for exact column lists.
 */
export function renderAccessPolicy(
  tables: Readonly<Record<string, readonly string[]>> = defaultPolicyTables(),
  options: { readonly workgroupPrefix?: string } = {},
): RenderedAccessPolicy {
  const workgroupPrefix = options.workgroupPrefix ?? 'warehouse';
  const names = Object.keys(tables).sort();
  const roles = (Object.keys(rolePolicies) as Role[]).map((role): RenderedRoleGrants => {
    const granted: { table: string; class: TableClass; excludedColumns: string[] }[] = [];
    const denied: string[] = [];
    for (const name of names) {
      const classification = classifyTable(name, tables[name] ?? []);
      if (!roleReadsClass(role, classification.class)) {
        denied.push(name);
        continue;
      }
      const excludedColumns = [...classification.sensitive]
        .filter(([, cls]) => !roleReadsColumn(role, cls))
        .map(([column]) => column)
        .sort();
      granted.push({ table: name, class: classification.class, excludedColumns });
    }
    const policy = rolePolicies[role];
    return {
      role,
      workgroup: workgroupName(workgroupPrefix, role),
      description: policy.description,
      mayExport: policy.mayExport,
      tables: granted,
      deniedTables: denied,
    };
  });
  return { version: 1, roles };
}

/** Landing streams with their declared columns, and the published marts with no known columns. */
export function defaultPolicyTables(): Record<string, readonly string[]> {
  const tables: Record<string, readonly string[]> = {};
  for (const stream of Object.values(landingStreams as Record<string, LandingStream>))
    tables[landingTableName(stream)] = Object.keys(stream.columns);
  for (const name of [...kpiMarts, ...factTables]) tables[name] = [];
  return tables;
}
