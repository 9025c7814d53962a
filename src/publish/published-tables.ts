import { quoteIdentifier } from '#src/engines/engine-statements.ts';
import {
  classifyTable,
  columnAsReadBy,
  factTables,
  kpiMarts,
  roleReadsClass,
  roleReadsColumn,
} from '#src/governance/access/access-policy.ts';
import type { Role } from '#src/governance/access/role.ts';

/**
 * What a publication holds: what the analyst role may read, as the governance access policy
 * (`src/governance/access/access-policy.ts`) declares it — every KPI mart and every curated fact
 * and dimension, without the columns the policy classifies as personal data or message text.
 * Deriving both from the policy keeps the BI files, `warehouse query --role analyst` and the
 * Lake Formation grants in agreement.
 */
export const PUBLICATION_ROLE: Role = 'analyst';

export interface PublishedTableSpec {
  readonly name: string;
  readonly kind: 'mart' | 'fact' | 'dimension';
}

export const publishedTables: readonly PublishedTableSpec[] = [...kpiMarts, ...factTables].map((name) => ({
  name,
  kind: name.startsWith('dim_') ? 'dimension' : name.startsWith('fct_') ? 'fact' : 'mart',
}));

/** A table the publication role may not read was asked for: nothing is published. */
export class NotPublishableError extends Error {
  override readonly name = 'NotPublishableError';
  constructor(
    readonly table: string,
    because: string,
  ) {
    super(
      `${table} cannot be published: the ${PUBLICATION_ROLE} role may not read it (${because}). ` +
        'Publish only KPI marts and curated facts, or change the access policy first.',
    );
  }
}

/**
 * The columns of `table` the publication role may not read (personal data, message text); throws
 * if the role may not read the table at all.
 */
export function withheldColumns(table: string, columns: readonly string[]): string[] {
  const classification = classifyTable(table, columns);
  if (!roleReadsClass(PUBLICATION_ROLE, classification.class)) {
    throw new NotPublishableError(table, classification.because);
  }
  return columns.filter((column) => {
    const sensitive = classification.sensitive.get(column.toLowerCase());
    return sensitive !== undefined && !roleReadsColumn(PUBLICATION_ROLE, sensitive);
  });
}

/**
 * Select expressions for the columns of `table` that hold message text on some rows (a ticket's
 * subject in a field-change row of `fct_ticket_events`): NULL on those rows, for the publication role.
 */
export function withheldTextExpressions(table: string, columns: readonly string[]): Record<string, string> {
  const expressions: Record<string, string> = {};
  for (const column of columns) {
    const expression = columnAsReadBy(PUBLICATION_ROLE, table, column, quoteIdentifier(column));
    if (expression !== undefined) expressions[column] = expression;
  }
  return expressions;
}

/**
 * Tables partitioned by month carry one of these columns (facts by the month a ticket was created,
 * KPI marts by the month of the period); their Parquet is hive-partitioned by it.
 */
export const monthPartitionColumns = ['created_month', 'period_month'] as const;

/** The month column a table's Parquet is partitioned by, if it has one. */
export function monthPartitionColumn(columns: readonly string[]): string | undefined {
  return monthPartitionColumns.find((column) => columns.includes(column));
}
