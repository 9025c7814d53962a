import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { ComprehendClient } from '@aws-sdk/client-comprehend';
import type { DeskConfig, SentimentConfig } from '#src/kpi/kpi-config.ts';
import { landingKey } from '#src/landing/landing-keys.ts';
import { landingPrefix, landingRowSchema, landingStreams } from '#src/landing/landing-schemas.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';
import { ComprehendAnalyser } from './comprehend/comprehend-analyser.ts';
import { LocalLexiconAnalyser } from './local/local-lexicon-analyser.ts';
import type { SentimentAnalyser, SentimentDocument } from './sentiment-analyser.ts';

export interface SentimentStageConfig {
  readonly sentiment: SentimentConfig;
  readonly desk: Pick<DeskConfig, 'botUserIds'>;
}

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

/** Which comment_texts files the stage has analysed: files are immutable, so a key list is exact. */
export const SENTIMENT_CHECKPOINT_KEY = 'state/nlp/comment_sentiment/analysed-files.json';
const CHUNK = 500;

export interface SentimentStageOptions {
  /** The sections the stage reads: its own and the desk's bot users. */
  readonly config: SentimentStageConfig;
  readonly store: ObjectStore;
  readonly runId: string;
  /** Default: the configured analyser (local lexicon, or Comprehend with the lexicon as fallback). */
  readonly analyser?: SentimentAnalyser;
  readonly now?: Date;
  readonly onProgress?: (event: { files: number; filesDone: number; messages: number }) => void;
}

export interface SentimentStageResult {
  readonly files: number;
  readonly messages: number;
  readonly skippedAgentComments: number;
  readonly writtenKeys: readonly string[];
  readonly analyser: string;
  readonly seconds: number;
}

/** The analyser the configuration asks for. */
export function createSentimentAnalyser(config: Pick<SentimentStageConfig, 'sentiment'>): SentimentAnalyser {
  const local = new LocalLexiconAnalyser();
  if (config.sentiment.analyser === 'local') return local;
  return new ComprehendAnalyser(
    new ComprehendClient({ region: config.sentiment.region }),
    local,
    config.sentiment.maxChars,
  );
}

async function readJsonLines(store: ObjectStore, key: string): Promise<Record<string, unknown>[]> {
  const body = await store.get(key);
  if (!body) return [];
  const text = key.endsWith('.gz')
    ? (await gunzipAsync(body)).toString('utf8')
    : Buffer.from(body).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function listKeys(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.list(prefix)) {
    if (info.key.endsWith('.jsonl.gz') || info.key.endsWith('.jsonl')) keys.push(info.key);
  }
  return keys;
}

/** Users who are not customers: agents, admins and bots (flagged by the source or configured). */
async function staffIds(
  store: ObjectStore,
  config: Pick<SentimentStageConfig, 'desk'>,
): Promise<Set<number>> {
  const latest = new Map<number, Record<string, unknown>>();
  for (const key of await listKeys(store, landingPrefix(landingStreams.users))) {
    for (const row of await readJsonLines(store, key)) {
      const id = Number(row.user_id);
      const seen = latest.get(id);
      if (!seen || String(row.updated_at) >= String(seen.updated_at)) latest.set(id, row);
    }
  }
  const staff = new Set<number>(config.desk.botUserIds);
  for (const [id, row] of latest) {
    if (row.is_bot === true || row.role === 'agent' || row.role === 'admin') staff.add(id);
  }
  return staff;
}

/**
 * The sentiment stage: every customer message in comment_texts files not analysed yet gets a score,
 * written as `landing/nlp/comment_sentiment/dt=<day>/<run id>-<page>.jsonl.gz` rows (validated
 * against the landing schema), one output file per input file. The checkpoint advances after each
 * file is written, so an interrupted run redoes at most one file (landing tolerates duplicates).
 */
export async function runSentimentStage(options: SentimentStageOptions): Promise<SentimentStageResult> {
  const { config, store, runId } = options;
  const started = performance.now();
  const now = options.now ?? new Date();
  const analyser = options.analyser ?? createSentimentAnalyser(config);
  const stream = landingStreams.comment_sentiment;
  const schema = landingRowSchema(stream);

  const checkpointBody = await store.get(SENTIMENT_CHECKPOINT_KEY);
  const analysed = new Set<string>(
    checkpointBody
      ? (JSON.parse(Buffer.from(checkpointBody).toString('utf8')) as { files: string[] }).files
      : [],
  );
  const pending = (await listKeys(store, landingPrefix(landingStreams.comment_texts))).filter(
    (k) => !analysed.has(k),
  );
  const staff = pending.length > 0 ? await staffIds(store, config) : new Set<number>();

  const writtenKeys: string[] = [];
  let messages = 0;
  let skipped = 0;
  const day = now.toISOString().slice(0, 10);
  for (const [index, key] of pending.entries()) {
    const rows = await readJsonLines(store, key);
    const customer = rows.filter((r) => !staff.has(Number(r.author_id)));
    skipped += rows.length - customer.length;
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < customer.length; i += CHUNK) {
      const chunk = customer.slice(i, i + CHUNK);
      const docs: SentimentDocument[] = chunk.map((r) => ({
        id: String(r.comment_id),
        text: String(r.body ?? '').slice(0, config.sentiment.maxChars),
      }));
      const byId = new Map(chunk.map((r) => [String(r.comment_id), r]));
      for (const result of await analyser.analyse(docs)) {
        const source = byId.get(result.id)!;
        out.push(
          schema.parse({
            comment_id: Number(source.comment_id),
            ticket_id: Number(source.ticket_id),
            language: result.language,
            sentiment_score: Math.max(-1, Math.min(1, result.score)),
            analyser: analyser.name,
            analysed_at: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
            _run_id: runId,
            _extracted_at: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          }),
        );
      }
    }
    if (out.length > 0) {
      const outKey = landingKey('nlp', stream.stream, day, `${runId}-${String(index + 1).padStart(5, '0')}`);
      const body = await gzipAsync(Buffer.from(`${out.map((r) => JSON.stringify(r)).join('\n')}\n`));
      await store.put(outKey, body, { contentType: 'application/gzip' });
      writtenKeys.push(outKey);
    }
    messages += out.length;
    analysed.add(key);
    await store.put(SENTIMENT_CHECKPOINT_KEY, JSON.stringify({ files: [...analysed].sort() }), {
      contentType: 'application/json',
    });
    options.onProgress?.({ files: pending.length, filesDone: index + 1, messages });
  }
  return {
    files: pending.length,
    messages,
    skippedAgentComments: skipped,
    writtenKeys,
    analyser: analyser.name,
    seconds: (performance.now() - started) / 1000,
  };
}
