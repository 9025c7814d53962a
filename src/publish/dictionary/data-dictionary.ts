import { describeKpi, kpiNames } from '#src/kpi/catalogue/kpi-catalogue.ts';
import type { DataTestDeclaration } from '#src/models/data-test-declaration.ts';
import type { Model } from '#src/models/load-models.ts';
import { buildModelGraph } from '#src/models/model-graph.ts';

/**
 * The data dictionary, as dbt's docs render it: every published table with its description, its
 * columns (type, description, the data tests that guard each) and its lineage. Descriptions are
 * declared once — the model headers' `-- column:` lines, the KPI catalogue for a column named as a
 * KPI, and `runtimeTableDocs` for the two published tables no model builds — and rendered into the
 * publication's page, its manifest and the Glue column comments.
 */
export interface DictionaryColumn {
  readonly name: string;
  /** The engine's type (`BIGINT`, `DOUBLE`, …), when the caller knew it. */
  readonly type?: string;
  /** Empty when nobody documented the column (a test fails on that). */
  readonly description: string;
  /** Where the description comes from: this model's header, the KPI catalogue, a model upstream, or code. */
  readonly from: 'header' | 'kpi_catalogue' | 'upstream' | 'runtime' | 'none';
  /** The data tests that name this column, as declared (`unique(source, ticket_id)`). */
  readonly tests: readonly string[];
}

export interface DictionaryTable {
  readonly name: string;
  readonly kind: string;
  readonly description: string;
  readonly materialized?: string;
  readonly partitionBy?: string;
  readonly file?: string;
  readonly columns: readonly DictionaryColumn[];
  /** Every data test declared on the table. */
  readonly tests: readonly string[];
  /** Models and landing tables it reads (lineage, one step up). */
  readonly upstream: readonly string[];
}

export interface DataDictionary {
  readonly tables: readonly DictionaryTable[];
}

/** A table as it is published: its name, kind and real columns (in order), with types if known. */
export interface PublishedRelation {
  readonly name: string;
  readonly kind: string;
  readonly columns: readonly { readonly name: string; readonly type?: string }[];
}

/** A table no SQL model builds (the runner or the publisher writes it): documented here, beside the code path. */
export interface RuntimeTableDoc {
  readonly description: string;
  readonly writtenBy: string;
  readonly columns: Readonly<Record<string, string>>;
}

/** The published tables written by code rather than by a model (`src/kpi/alerts`, `src/publish/publish.ts`). */
export const runtimeTableDocs: Readonly<Record<string, RuntimeTableDoc>> = {
  sla_alerts: {
    description:
      'SLA alerts: one row per alert raised when the trailing sla_compliance_rate fell below its target by more than the threshold; cleared when it recovers',
    writtenBy: 'src/kpi/alerts/evaluate-sla-alerts.ts',
    columns: {
      alert_id: 'Id of the alert (one per raise, not one per run)',
      kpi: 'KPI the alert watches (sla_compliance_rate)',
      status: 'open while compliance stays below the bound, cleared once it recovered',
      raised_at: 'When the alert was raised (ISO-8601 UTC text)',
      last_evaluated_at: 'When a run last evaluated it (ISO-8601 UTC text)',
      cleared_at: 'When it cleared (ISO-8601 UTC text); null while open',
      actual:
        'Compliance over the trailing window at the latest evaluation (fraction 0–1); null when no ticket was measured',
      target: 'Target of sla_compliance_rate (fraction 0–1)',
      threshold_pp: 'How far below the target (percentage points) raises the alert',
      window_hours: 'Length of the trailing window in hours',
      drivers:
        'JSON list of the breakdown cells that drive the drop (breakdown, value, compliance, measured tickets)',
      evaluations: 'Number of runs that evaluated the alert while open',
      kpi_version: 'KPI definitions version the alert was evaluated with',
    },
  },
  publication_completeness: {
    description:
      'One row per source stream of the run: whether the publication holds it whole (complete) or not (missing), since when and why',
    writtenBy: 'src/publish/publish.ts (writeCompletenessView)',
    columns: {
      run_id: 'Run that made the publication',
      source: 'Source system (zendesk, hubspot, nlp)',
      stream: 'Stream of the source (tickets, ticket_events, contacts, …)',
      status: 'complete (extracted to its end) or missing',
      missing_since: 'Since when the stream has been failing (ISO-8601 UTC text); null when complete',
      last_complete_at: 'When the stream last completed (ISO-8601 UTC text); null when complete or never',
      error: 'Why the stream failed, as the extractor reported it; null when complete',
    },
  },
};

/**
 * The KPI descriptions a column named as a KPI resolves to (the wide views' columns): the one
 * place the dictionary reads the KPI catalogue, so it can be re-pointed when the catalogue moves.
 */
export function kpiColumnDescriptions(): ReadonlyMap<string, string> {
  return new Map(
    kpiNames.map((kpi) => [kpi, `KPI ${kpi}. ${describeKpi(kpi) ?? ''}; null when the period has no data`]),
  );
}

function testColumns(test: DataTestDeclaration): readonly string[] {
  switch (test.kind) {
    case 'unique':
    case 'not_null':
      return test.columns;
    case 'accepted_values':
    case 'relationships':
    case 'freshness':
      return [test.column];
    case 'reconcile':
      return test.keys;
  }
}

/**
 * Build the dictionary of `relations` (the published tables with their real columns) from the
 * models' headers, the KPI catalogue and the runtime table docs. A column without any doc gets an
 * empty description (`undocumentedColumns` lists them).
 */
export function buildDataDictionary(
  models: readonly Model[],
  relations: readonly PublishedRelation[],
  kpis: ReadonlyMap<string, string> = kpiColumnDescriptions(),
): DataDictionary {
  const byName = new Map(models.map((m) => [m.name, m]));
  const graph = buildModelGraph(models);
  const tables = relations.map((relation): DictionaryTable => {
    const model = byName.get(relation.name);
    const runtime = runtimeTableDocs[relation.name];
    const upstream = model ? (graph.upstream.get(model.name) ?? []) : [];
    const tests = model?.header.tests ?? [];
    const columns = relation.columns.map((column): DictionaryColumn => {
      const name = column.name.toLowerCase();
      const own = model?.header.columns?.get(name);
      const kpi = kpis.get(name);
      const runtimeDoc = runtime?.columns[name];
      // A view's column carried unchanged from the model it reads (the wide views' period and cells).
      const inherited = upstream
        .map((up) => byName.get(up)?.header.columns?.get(name))
        .find((d) => d !== undefined);
      const [description, from] = own
        ? [own, 'header' as const]
        : runtimeDoc
          ? [runtimeDoc, 'runtime' as const]
          : kpi
            ? [kpi, 'kpi_catalogue' as const]
            : inherited
              ? [inherited, 'upstream' as const]
              : ['', 'none' as const];
      return {
        name: column.name,
        ...(column.type ? { type: column.type } : {}),
        description,
        from,
        tests: tests.filter((t) => testColumns(t).includes(name)).map((t) => t.text),
      };
    });
    return {
      name: relation.name,
      kind: relation.kind,
      description: model?.header.description ?? runtime?.description ?? '',
      ...(model ? { materialized: model.header.materialized, file: `sql/${model.file}` } : {}),
      ...(model?.header.partitionBy ? { partitionBy: model.header.partitionBy } : {}),
      ...(runtime ? { file: runtime.writtenBy } : {}),
      columns,
      tests: tests.map((t) => t.text),
      upstream,
    };
  });
  return { tables };
}

/** `table.column` of every column the dictionary could not describe. */
export function undocumentedColumns(dictionary: DataDictionary): string[] {
  return dictionary.tables.flatMap((t) =>
    t.columns.filter((c) => c.description.trim() === '').map((c) => `${t.name}.${c.name}`),
  );
}

/** Column docs of a model that name no column the model produces (a typo, a dropped column). */
export function staleColumnDocs(model: Model, producedColumns: readonly string[]): string[] {
  const produced = new Set(producedColumns.map((c) => c.toLowerCase()));
  return [...(model.header.columns?.keys() ?? [])].filter((c) => !produced.has(c));
}
