import { landingStreams, landingTableName } from '#src/landing/landing-schemas.ts';
import { LAYER_READS, MODEL_LAYERS, type Model, type ModelLayer } from './load-models.ts';
import { type TablesRead, tablesReadBy } from './model-dependencies.ts';

export class ModelCycleError extends Error {
  override readonly name = 'ModelCycleError';
  constructor(readonly cycle: readonly string[]) {
    super(
      `The models form a cycle: ${cycle.join(' → ')}. A model cannot read itself, directly or through others.`,
    );
  }
}

export class UnknownRelationError extends Error {
  override readonly name = 'UnknownRelationError';
  constructor(
    readonly model: string,
    readonly file: string,
    readonly relation: string,
  ) {
    super(
      `${file}: model ${model} reads "${relation}", which is no model, seed (cfg_*) or landing source. ` +
        'Fix the name or add the model.',
    );
  }
}

export class UnknownSelectorError extends Error {
  override readonly name = 'UnknownSelectorError';
  constructor(selector: string) {
    super(
      `--select ${selector}: no model of that name. Use a model name, "name+" (and downstream) or "+name" (and upstream).`,
    );
  }
}

/** Every landing source name, `landing_x` and `landing_x__new`. */
export function landingSourceNames(): Set<string> {
  const names = new Set<string>();
  for (const stream of Object.values(landingStreams)) {
    names.add(landingTableName(stream));
    names.add(`${landingTableName(stream)}__new`);
  }
  return names;
}

const OUR_PREFIXES = /^(stg_|int_|chg_|fct_|dim_|kpi_|landing_|cfg_)/;

export interface ModelGraph {
  /** Every model in build order (dependencies first). */
  readonly order: readonly Model[];
  /** For each model: the models it reads. */
  readonly upstream: ReadonlyMap<string, readonly string[]>;
  readonly downstream: ReadonlyMap<string, readonly string[]>;
  readonly reads: ReadonlyMap<string, TablesRead>;
}

/** Dependencies from the tables each model reads; refuses cycles naming them; orders the build. */
export function buildModelGraph(models: readonly Model[]): ModelGraph {
  const byName = new Map(models.map((m) => [m.name, m]));
  const landing = landingSourceNames();
  const known = new Set([...byName.keys(), ...landing]);
  const upstream = new Map<string, string[]>();
  const downstream = new Map<string, string[]>(models.map((m) => [m.name, []]));
  const reads = new Map<string, TablesRead>();
  for (const model of models) {
    const read = tablesReadBy(model.sql, known);
    reads.set(model.name, read);
    const deps: string[] = [];
    for (const table of read.tables) {
      if (table === model.name) {
        // An incremental model may read its own current state (what the MERGE will update).
        if (model.header.materialized !== 'incremental') throw new ModelCycleError([model.name, model.name]);
      } else if (byName.has(table)) {
        deps.push(table);
      } else if (!landing.has(table) && !table.startsWith('cfg_') && OUR_PREFIXES.test(table)) {
        throw new UnknownRelationError(model.name, model.file, table);
      }
    }
    upstream.set(model.name, deps);
    for (const dep of deps) downstream.get(dep)?.push(model.name);
  }

  // Depth-first order; a node met again while on the stack closes a cycle, which we name.
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const order: Model[] = [];
  const layerRank = (m: Model) => [...MODEL_LAYERS, 'other'].indexOf(m.layer);
  const sorted = [...models].sort((a, b) => layerRank(a) - layerRank(b) || a.name.localeCompare(b.name));
  const visit = (name: string) => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') throw new ModelCycleError([...stack.slice(stack.indexOf(name)), name]);
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of [...(upstream.get(name) ?? [])].sort()) visit(dep);
    stack.pop();
    state.set(name, 'done');
    order.push(byName.get(name) as Model);
  };
  for (const model of sorted) visit(model.name);
  return { order, upstream, downstream, reads };
}

/**
 * The models a selection names: `name` (that model), `name+` (it and everything downstream),
 * `+name` (it and everything upstream); several selectors are combined. Returned in build order.
 */
export function selectModels(graph: ModelGraph, selectors: readonly string[]): Model[] {
  const chosen = new Set<string>();
  const walk = (start: string, edges: ReadonlyMap<string, readonly string[]>) => {
    const seen = new Set<string>();
    const queue = [start];
    while (queue.length > 0) {
      const name = queue.pop() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      chosen.add(name);
      queue.push(...(edges.get(name) ?? []));
    }
  };
  for (const raw of selectors) {
    const selector = raw.trim().toLowerCase();
    if (selector === '') continue;
    const name = selector.replace(/^\+/, '').replace(/\+$/, '');
    if (!graph.upstream.has(name)) throw new UnknownSelectorError(raw);
    chosen.add(name);
    if (selector.endsWith('+')) walk(name, graph.downstream);
    if (selector.startsWith('+')) walk(name, graph.upstream);
  }
  return graph.order.filter((m) => chosen.has(m.name));
}

/** A model reading what its layer may not read: a higher layer, or the runner's own tables. */
export interface LayerViolation {
  readonly model: string;
  readonly file: string;
  readonly layer: ModelLayer;
  readonly reads: string;
  /** The layer of the relation read, or `runner` for the runner's bookkeeping tables. */
  readonly readsLayer: ModelLayer | 'runner';
}

/**
 * Every read that breaks the layer rules (`LAYER_READS`): a model reads only its own or lower layers
 * (the change layer beside intermediate and marts), landing sources and seeds, and never one of
 * `runnerTables` (the runner's own bookkeeping). Read with the same parser as the graph, so a name
 * the parser sees is a name the rules see.
 */
export function layerViolations(models: readonly Model[], runnerTables: readonly string[]): LayerViolation[] {
  const layerOf = new Map(models.map((m) => [m.name, m.layer]));
  const runner = new Set(runnerTables.map((t) => t.toLowerCase()));
  const known = new Set([...layerOf.keys(), ...landingSourceNames(), ...runner]);
  const violations: LayerViolation[] = [];
  for (const model of models) {
    for (const table of tablesReadBy(model.sql, known).tables) {
      const readsLayer = runner.has(table) ? 'runner' : layerOf.get(table);
      if (readsLayer === undefined) continue;
      if (readsLayer !== 'runner' && LAYER_READS[model.layer].includes(readsLayer)) continue;
      violations.push({ model: model.name, file: model.file, layer: model.layer, reads: table, readsLayer });
    }
  }
  return violations;
}
