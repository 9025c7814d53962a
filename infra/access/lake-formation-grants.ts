import {
  classifyTable,
  renderAccessPolicy,
  rolePolicies,
  type TableClass,
} from '#src/governance/access/access-policy.ts';
import { type LandingStream, landingStreams, landingTableName } from '#src/landing/landing-schemas.ts';

/** The people-facing roles of the warehouse; the pipeline's own role is granted separately. */
export const personRoles = ['analyst', 'compliance', 'engineer'] as const;
export type PersonRole = (typeof personRoles)[number];

/** One table-level SELECT grant of a role. */
export interface TableGrant {
  readonly role: PersonRole;
  readonly table: string;
  readonly class: TableClass;
  /** Columns the role must not read (Lake Formation ColumnWildcard exclusions); empty = every column. */
  readonly excludedColumns: readonly string[];
}

/** The landing tables and their declared columns: the tables that exist when the stack deploys. */
export function landingPolicyTables(): Record<string, readonly string[]> {
  return Object.fromEntries(
    (Object.values(landingStreams) as LandingStream[]).map((s) => [
      landingTableName(s),
      Object.keys(s.columns),
    ]),
  );
}

/**
 * The Lake Formation grants of the person roles, rendered by the governance access policy (the one
 * `warehouse query --role` enforces locally): a grant per table the role may read, excluding the
 * personal and text columns it may not; no grant at all on tables of a class it may not read.
 */
export function tableGrants(
  tables: Readonly<Record<string, readonly string[]>> = landingPolicyTables(),
): TableGrant[] {
  const rendered = renderAccessPolicy(tables);
  return rendered.roles
    .filter((r): r is typeof r & { role: PersonRole } => (personRoles as readonly string[]).includes(r.role))
    .flatMap((r) =>
      r.tables.map((t) => ({
        role: r.role,
        table: t.table,
        class: t.class,
        excludedColumns: t.excludedColumns,
      })),
    );
}

/** The policy class of a table (LF-Tag value), from its name and columns. */
export function tableClass(table: string, columns: readonly string[]): TableClass {
  return classifyTable(table, columns).class;
}

/** Table classes each role reads (its LF-Tag grant expression). */
export function classesOf(role: PersonRole | 'pipeline'): readonly TableClass[] {
  return rolePolicies[role].classes;
}

/** Every class value the LF-Tag can carry. */
export const tableClasses: readonly TableClass[] = [
  'kpi_mart',
  'fact',
  'seed',
  'model',
  'landing',
  'operational',
  'restricted',
  'unclassified',
];
