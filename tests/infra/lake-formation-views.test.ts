import { beforeAll, describe, expect, it } from 'vitest';
import { tagValueOf } from '#src/engines/athena/athena-table-tagger.ts';
import { VERSION_MARK } from '#src/engines/athena/athena-table-versions.ts';
import { classifyTable } from '#src/governance/access/access-policy.ts';
import { landingStreams, landingTableName } from '#src/landing/landing-schemas.ts';
import { loadModels } from '#src/models/load-models.ts';
import { buildModelGraph } from '#src/models/model-graph.ts';
import { synthStack } from './synth-stack.ts';

/*
 * Athena checks a view reader's Lake Formation permissions on the tables under the view, not only
 * on the view (https://docs.aws.amazon.com/lake-formation/latest/dg/athena-lf.html). So a role
 * the grants let read a view can read it only if they also let it read every table beneath. This
 * holds the deployed grants (the synthesized template's LF-Tag grants and landing tags) against the
 * catalog a transform leaves on Athena: a view per view model, a view over a versioned table per
 * table model and seed, a `__new` view per landing table, each tagged as the runner tags it.
 */
interface Resource {
  readonly Properties: {
    readonly Principal?: unknown;
    readonly Permissions?: readonly string[];
    readonly Resource?: {
      readonly LFTagPolicy?: { readonly Expression: readonly { readonly TagValues: readonly string[] }[] };
      readonly Table?: { readonly Name?: string };
    };
    readonly LFTags?: readonly { readonly TagValues: readonly string[] }[];
  };
}
const roles = ['analyst', 'engineer', 'compliance'] as const;
const classesOf = new Map<string, Set<string>>();
const landingTags = new Map<string, string>();

/** What the transform leaves on Athena: relation → the relations a view reads (tables read nothing). */
const catalog = new Map<string, { view: boolean; reads: string[] }>();

beforeAll(() => {
  const { template } = synthStack();
  const all = (type: string) => Object.values(template.findResources(type)) as Resource[];
  for (const role of roles) {
    const logicalPrefix = `Access${role[0]?.toUpperCase()}${role.slice(1)}Role`;
    const classes = new Set<string>();
    for (const grant of all('AWS::LakeFormation::PrincipalPermissions')) {
      const policy = grant.Properties.Resource?.LFTagPolicy;
      if (!policy || !JSON.stringify(grant.Properties.Principal).includes(logicalPrefix)) continue;
      if (!grant.Properties.Permissions?.includes('SELECT')) continue;
      for (const e of policy.Expression) for (const v of e.TagValues) classes.add(v);
    }
    classesOf.set(role, classes);
  }
  for (const association of all('AWS::LakeFormation::TagAssociation')) {
    const table = association.Properties.Resource?.Table?.Name;
    const value = association.Properties.LFTags?.[0]?.TagValues[0];
    if (table && value) landingTags.set(table, value);
  }

  const runVersion = (name: string) => `${name}${VERSION_MARK}run_1`;
  const versioned = (name: string) => {
    catalog.set(name, { view: true, reads: [runVersion(name)] });
    catalog.set(runVersion(name), { view: false, reads: [] });
  };
  for (const stream of Object.values(landingStreams)) {
    const table = landingTableName(stream);
    catalog.set(table, { view: false, reads: [] });
    catalog.set(`${table}__new`, { view: true, reads: [table] });
  }
  const graph = buildModelGraph(loadModels());
  for (const model of graph.order) {
    const reads = graph.reads.get(model.name)?.tables ?? [];
    for (const seed of reads.filter((t) => t.startsWith('cfg_'))) versioned(seed);
    if (model.header.materialized === 'view') catalog.set(model.name, { view: true, reads: [...reads] });
    else versioned(model.name);
  }
});

/** The class tag a relation carries: the deployment's for landing tables, the runner's otherwise. */
function tagOf(relation: string): string {
  return landingTags.get(relation) ?? tagValueOf(relation, (name) => classifyTable(name).class);
}

/** The tables a query of `relation` reads, through views over views. */
function tablesUnder(relation: string, seen = new Set<string>()): string[] {
  const entry = catalog.get(relation);
  if (!entry || seen.has(relation)) return [];
  seen.add(relation);
  if (!entry.view) return [relation];
  return entry.reads.flatMap((r) => tablesUnder(r, seen));
}

describe('every view a role may read on Athena', () => {
  it('is found in the catalog with the tables under it (not vacuous)', () => {
    expect(tablesUnder('fct_tickets')).toEqual([`fct_tickets${VERSION_MARK}run_1`]);
    expect(classesOf.get('analyst')?.has('fact')).toBe(true);
    expect(landingTags.get('landing_zendesk__user_pii')).toBe('restricted');
  });

  it.each(roles)('reads only tables the %s role may read too', (role) => {
    const classes = classesOf.get(role) ?? new Set<string>();
    const unreadable: string[] = [];
    for (const [relation, entry] of catalog) {
      if (!entry.view || !classes.has(tagOf(relation))) continue;
      for (const table of tablesUnder(relation)) {
        if (!classes.has(tagOf(table)))
          unreadable.push(`${relation} (${tagOf(relation)}) reads ${table} (${tagOf(table)})`);
      }
    }
    expect(unreadable).toEqual([]);
  });

  it('includes dim_customers for analysts, which reads only its own version', () => {
    expect(classesOf.get('analyst')?.has(tagOf('dim_customers'))).toBe(true);
    expect(tablesUnder('dim_customers').map(tagOf)).toEqual(['fact']);
  });
});
