import { type LandingStream, landingStreams, landingTableName } from '#src/landing/landing-schemas.ts';

/** The people-facing roles of the warehouse; the pipeline's own role is granted separately. */
export const personRoles = ['analyst', 'compliance', 'engineer'] as const;
export type PersonRole = (typeof personRoles)[number];

/** One table-level SELECT grant of a role on a landing table. */
export interface LandingGrant {
  readonly role: PersonRole;
  readonly table: string;
  /** Columns the role must not read; empty = every column. */
  readonly excludedColumns: readonly string[];
}

/** Which classifications each role may read: personal data and message text are compliance-only. */
export type ColumnAccessPolicy = Readonly<Record<PersonRole, readonly ('public' | 'personal' | 'text')[]>>;

export const defaultColumnAccess: ColumnAccessPolicy = {
  analyst: ['public'],
  engineer: ['public'],
  compliance: ['public', 'personal', 'text'],
};

/**
 * The Lake Formation grants on landing tables, one per role and table, excluding the columns whose
 * classification the role may not read. Rendered from the landing declaration, the same one the
 * local `query --role` command enforces.
 */
export function landingGrants(policy: ColumnAccessPolicy = defaultColumnAccess): LandingGrant[] {
  const grants: LandingGrant[] = [];
  for (const stream of Object.values(landingStreams) as LandingStream[]) {
    for (const role of personRoles) {
      const allowed = new Set(policy[role]);
      const excludedColumns = Object.entries(stream.columns)
        .filter(([, spec]) => !allowed.has(spec.classification))
        .map(([name]) => name);
      grants.push({ role, table: landingTableName(stream), excludedColumns });
    }
  }
  return grants;
}
