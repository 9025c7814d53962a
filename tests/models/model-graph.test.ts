import { describe, expect, it } from 'vitest';
import { loadModels, type Model } from '#src/models/load-models.ts';
import { tablesReadBy } from '#src/models/model-dependencies.ts';
import {
  buildModelGraph,
  layerViolations,
  ModelCycleError,
  selectModels,
  UnknownRelationError,
  UnknownSelectorError,
} from '#src/models/model-graph.ts';
import { RUNNER_TABLES } from '#src/shared/runner-tables.ts';

function model(name: string, sql: string, materialized: 'view' | 'table' | 'incremental' = 'view'): Model {
  const layer = name.startsWith('stg_')
    ? 'staging'
    : name.startsWith('int_')
      ? 'intermediate'
      : name.startsWith('chg_')
        ? 'changes'
        : 'marts';
  return {
    name,
    file: `${layer}/${name}.sql`,
    path: `/sql/${layer}/${name}.sql`,
    layer,
    header: {
      materialized,
      uniqueKey: materialized === 'incremental' ? ['id'] : [],
      incrementalStrategy: 'merge',
      description: 'x',
      tests: [],
      lines: 2,
    },
    sql,
  };
}

const models = [
  model('stg_zendesk__tickets', 'select * from landing_zendesk__tickets__new'),
  model('stg_zendesk__users', 'select * from landing_zendesk__users__new'),
  model(
    'int_tickets',
    'select t.* from stg_zendesk__tickets t join cfg_group_tiers g on g.group_id = t.group_id',
    'incremental',
  ),
  model('int_users', 'with u as (select * from stg_zendesk__users) select * from u', 'incremental'),
  model(
    'fct_tickets',
    'select * from int_tickets t left join int_users u on u.user_id = t.requester_id',
    'table',
  ),
  model('kpi_values', 'select count(*) from fct_tickets', 'table'),
];

describe('tablesReadBy', () => {
  it('finds the tables a query reads with the Athena parser, CTE names excluded', () => {
    const read = tablesReadBy(
      'with a as (select * from stg_x) select * from a join cfg_y on true',
      new Set(),
    );
    expect(read).toEqual({ tables: ['cfg_y', 'stg_x'], method: 'parser' });
  });

  it('falls back to a tokenizer for Trino the parser refuses, ignoring comments and strings', () => {
    const read = tablesReadBy(
      "select count(*) filter (where x > 1), 'int_b' from int_a -- int_c\n where ts > TIMESTAMP '2020-01-01 00:00:00'",
      new Set(['int_a', 'int_b', 'int_c']),
    );
    expect(read.method).toBe('tokenizer');
    expect(read.tables).toEqual(['int_a']);
  });
});

describe('buildModelGraph', () => {
  it('orders models after the models they read', () => {
    // Act
    const graph = buildModelGraph([...models].reverse());
    const order = graph.order.map((m) => m.name);
    // Assess
    for (const [name, deps] of graph.upstream) {
      for (const dep of deps) expect(order.indexOf(dep)).toBeLessThan(order.indexOf(name));
    }
    expect(graph.upstream.get('fct_tickets')).toEqual(['int_tickets', 'int_users']);
  });

  it('refuses a cycle and names it', () => {
    const cyclic = [
      model('int_a', 'select * from int_c'),
      model('int_b', 'select * from int_a'),
      model('int_c', 'select * from int_b'),
    ];
    expect(() => buildModelGraph(cyclic)).toThrow(ModelCycleError);
    expect(() => buildModelGraph(cyclic)).toThrow(/int_a → int_c → int_b → int_a/);
  });

  it('lets an incremental model read its own current state, but not a view', () => {
    expect(() => buildModelGraph([model('int_a', 'select * from int_a', 'incremental')])).not.toThrow();
    expect(() => buildModelGraph([model('int_a', 'select * from int_a', 'view')])).toThrow(/int_a → int_a/);
  });

  it('refuses a reference to a model that does not exist', () => {
    expect(() => buildModelGraph([model('fct_x', 'select * from int_missing')])).toThrow(
      UnknownRelationError,
    );
  });
});

describe('selectModels', () => {
  const graph = buildModelGraph(models);

  it('name+ selects the model and everything downstream, in build order', () => {
    expect(selectModels(graph, ['int_users+']).map((m) => m.name)).toEqual([
      'int_users',
      'fct_tickets',
      'kpi_values',
    ]);
  });

  it('+name selects the model and everything upstream', () => {
    expect(selectModels(graph, ['+int_tickets']).map((m) => m.name)).toEqual([
      'stg_zendesk__tickets',
      'int_tickets',
    ]);
  });

  it('a bare name selects that model only', () => {
    expect(selectModels(graph, ['fct_tickets']).map((m) => m.name)).toEqual(['fct_tickets']);
  });

  it('refuses an unknown model name', () => {
    expect(() => selectModels(graph, ['fct_nope+'])).toThrow(UnknownSelectorError);
  });
});

describe('layerViolations', () => {
  const runnerTables = RUNNER_TABLES;

  it("finds no model of the repository reading a higher layer or the runner's tables", () => {
    // Prepare
    const repository = loadModels();

    // Act
    const violations = layerViolations(repository, runnerTables);

    // Assess
    expect(repository.filter((m) => m.layer === 'changes').length).toBeGreaterThan(5);
    expect(repository.every((m) => m.layer !== 'changes' || m.name.startsWith('chg_'))).toBe(true);
    expect(violations).toEqual([]);
  });

  it('finds an intermediate model reading a mart, and a change model reading a mart', () => {
    // Prepare
    const layered = [
      ...models,
      model('int_from_mart', 'select * from fct_tickets'),
      model('chg_from_mart', 'select created_month from fct_tickets'),
    ];

    // Act
    const violations = layerViolations(layered, runnerTables);

    // Assess
    expect(violations.map((v) => [v.model, v.reads, v.readsLayer])).toEqual([
      ['int_from_mart', 'fct_tickets', 'marts'],
      ['chg_from_mart', 'fct_tickets', 'marts'],
    ]);
  });

  it("finds any model reading the runner's run table, even through Trino the parser refuses", () => {
    // Prepare
    const layered = [
      ...models,
      model('chg_previous_run', 'select max(started_at) from warehouse_runs'),
      model(
        'int_parsed_by_tokens',
        "select count(*) filter (where kind = 'transform') from warehouse_runs, int_users",
      ),
    ];

    // Act
    const violations = layerViolations(layered, runnerTables);

    // Assess
    expect(violations.map((v) => [v.model, v.reads, v.readsLayer])).toEqual([
      ['chg_previous_run', 'warehouse_runs', 'runner'],
      ['int_parsed_by_tokens', 'warehouse_runs', 'runner'],
    ]);
  });

  it('lets intermediate and mart models read the change layer, and change models read intermediate', () => {
    // Prepare
    const layered = [
      ...models,
      model('chg_changed', 'select ticket_id from int_tickets'),
      model(
        'int_metrics',
        'select * from int_tickets where ticket_id in (select ticket_id from chg_changed)',
      ),
      model(
        'fct_counts',
        'select count(*) from int_metrics where ticket_id in (select ticket_id from chg_changed)',
      ),
    ];

    // Act
    const violations = layerViolations(layered, runnerTables);

    // Assess
    expect(violations).toEqual([]);
  });
});
