import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ModelHeader, parseModelHeader } from './model-header.ts';

/** The repository's `sql/` folder. */
export const DEFAULT_MODELS_DIR = fileURLToPath(new URL('../../sql/', import.meta.url));

/**
 * Folders under `sql/` that hold models, in build-layer order. `changes` holds the change-tracking
 * models (`chg_*`): which tickets and months a run recomputes, nothing a KPI is made of.
 */
export const MODEL_LAYERS = ['staging', 'intermediate', 'changes', 'marts'] as const;
export type ModelLayer = (typeof MODEL_LAYERS)[number] | 'other';

/**
 * Which layers a model of each layer may read (besides landing sources and `cfg_*` seeds). Layers
 * point down; the change layer is the one side layer: every incremental model, intermediate or
 * mart, reads it to learn what to recompute, and it reads staging and intermediate history to decide.
 * Cycles between single models are refused by the model graph. No layer reads the runner's own
 * tables (`warehouse_runs`, …): the runner seeds what SQL needs to know of earlier runs (`cfg_refresh`).
 */
export const LAYER_READS: Readonly<Record<ModelLayer, readonly ModelLayer[]>> = {
  staging: ['staging'],
  intermediate: ['staging', 'intermediate', 'changes'],
  changes: ['staging', 'intermediate', 'changes'],
  marts: ['staging', 'intermediate', 'changes', 'marts'],
  other: [],
};

export interface Model {
  /** The file name without `.sql`: the relation the model builds. */
  readonly name: string;
  /** Path relative to the models folder, e.g. `staging/zendesk/stg_zendesk__tickets.sql`. */
  readonly file: string;
  readonly path: string;
  readonly layer: ModelLayer;
  readonly header: ModelHeader;
  /** The SELECT (header kept as comments so line numbers match the file; trailing `;` removed). */
  readonly sql: string;
}

export class DuplicateModelError extends Error {
  override readonly name = 'DuplicateModelError';
  constructor(modelName: string, files: readonly string[]) {
    super(
      `Two model files build "${modelName}": ${files.join(' and ')}. Model names are file names; rename one.`,
    );
  }
}

function sqlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sqlFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.sql')) out.push(full);
  }
  return out.sort();
}

/** Read and validate every model under `dir` (staging, intermediate, changes, marts; `functions/` is not models). */
export function loadModels(dir: string = DEFAULT_MODELS_DIR): Model[] {
  const models: Model[] = [];
  const byName = new Map<string, string>();
  let entries: string[] = [];
  for (const layer of MODEL_LAYERS) {
    try {
      entries = entries.concat(sqlFiles(join(dir, layer)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  for (const path of entries) {
    const file = relative(dir, path).split(sep).join('/');
    const text = readFileSync(path, 'utf8');
    const header = parseModelHeader(text, file);
    const name = (file.split('/').pop() ?? file).replace(/\.sql$/, '').toLowerCase();
    const previous = byName.get(name);
    if (previous) throw new DuplicateModelError(name, [previous, file]);
    byName.set(name, file);
    const layer = (MODEL_LAYERS as readonly string[]).includes(file.split('/')[0] ?? '')
      ? (file.split('/')[0] as ModelLayer)
      : 'other';
    models.push({ name, file, path, layer, header, sql: text.replace(/;\s*$/, '').trimEnd() });
  }
  return models;
}
