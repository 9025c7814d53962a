import { readFileSync } from 'node:fs';
import { BatchDetectSentimentCommand, ComprehendClient } from '@aws-sdk/client-comprehend';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerPhrases } from '#simulator/phrase-banks.ts';
import { ComprehendAnalyser } from '#src/enrichment/sentiment/comprehend/comprehend-analyser.ts';
import { LocalLexiconAnalyser } from '#src/enrichment/sentiment/local/local-lexicon-analyser.ts';
import { runSentimentStage } from '#src/enrichment/sentiment/run-sentiment-stage.ts';
import { sentimentLabel } from '#src/enrichment/sentiment/sentiment-analyser.ts';
import { createKpiWorld, type KpiWorld } from '#tests/kpi/helpers/kpi-world.ts';
import { commentRow, groupRows, ticketRow, userRow } from '#tests/kpi/helpers/landing-rows.ts';

interface Sample {
  language: string;
  label: 'positive' | 'neutral' | 'negative';
  text: string;
}

const sample = (
  JSON.parse(readFileSync(new URL('./fixtures/sentiment-sample.json', import.meta.url), 'utf8')) as {
    samples: Sample[];
  }
).samples;

async function accuracy(items: readonly Sample[]): Promise<Map<string, { right: number; total: number }>> {
  const results = await new LocalLexiconAnalyser().analyse(
    items.map((s, i) => ({ id: String(i), text: s.text })),
  );
  const table = new Map<string, { right: number; total: number }>();
  for (const [i, r] of results.entries()) {
    for (const key of ['all', items[i]!.language]) {
      const cell = table.get(key) ?? { right: 0, total: 0 };
      cell.total++;
      if (sentimentLabel(r.score) === items[i]!.label) cell.right++;
      table.set(key, cell);
    }
  }
  return table;
}

describe('LocalLexiconAnalyser', () => {
  it('labels the hand-labelled multilingual sample with at least 80 % accuracy, and 70 % in each language', async () => {
    // Act (the language is detected from the text: no hint given)
    const table = await accuracy(sample);
    // Assess
    const report = [...table].map(
      ([k, v]) => `${k} ${((100 * v.right) / v.total).toFixed(1)} % of ${v.total}`,
    );
    console.log(
      `sentiment accuracy on tests/enrichment/fixtures/sentiment-sample.json: ${report.join(', ')}`,
    );
    expect(table.get('all')!.total).toBeGreaterThanOrEqual(100);
    expect(table.get('all')!.right / table.get('all')!.total).toBeGreaterThanOrEqual(0.8);
    for (const language of ['en', 'es', 'ru', 'zh', 'ja', 'ko']) {
      const cell = table.get(language)!;
      expect(cell.right / cell.total, language).toBeGreaterThanOrEqual(0.7);
    }
  });

  it("labels the simulator's customer phrases it is scored against in the end-to-end run", async () => {
    // Prepare
    const items: Sample[] = Object.entries(customerPhrases).flatMap(([language, byLabel]) =>
      Object.entries(byLabel).flatMap(([label, texts]) =>
        texts.map((text) => ({ language, label: label as Sample['label'], text })),
      ),
    );
    // Act
    const table = await accuracy(items);
    // Assess
    expect(table.get('all')!.right / table.get('all')!.total).toBeGreaterThanOrEqual(0.8);
  });

  it('flips a sentiment word after a negation, before it in Chinese and after it in Japanese and Korean', async () => {
    // Act
    const [happy, notHappy, zh, zhNot, ja, jaNot, ko, koNot] = await new LocalLexiconAnalyser().analyse(
      [
        'I am happy',
        'I am not happy',
        '满意',
        '不满意',
        '解決しました',
        '解決しない',
        '해결됐어요',
        '해결되지 않아요',
      ].map((text, i) => ({ id: String(i), text })),
    );
    // Assess
    expect(happy!.score).toBeGreaterThan(0.25);
    expect(notHappy!.score).toBeLessThan(0);
    expect(zh!.score).toBeGreaterThan(0.25);
    expect(zhNot!.score).toBeLessThan(0);
    expect(ja!.score).toBeGreaterThan(0);
    expect(jaNot!.score).toBeLessThan(0);
    expect(ko!.score).toBeGreaterThan(0);
    expect(koNot!.score).toBeLessThan(0);
  });
});

describe('ComprehendAnalyser', () => {
  it('sends BatchDetectSentiment in batches of 25 per language and scores positive minus negative', async () => {
    // Prepare
    const comprehend = mockClient(ComprehendClient);
    comprehend.on(BatchDetectSentimentCommand).callsFake((input: { TextList: string[] }) => ({
      ResultList: input.TextList.map((_, Index) => ({
        Index,
        Sentiment: 'POSITIVE',
        SentimentScore: { Positive: 0.7, Negative: 0.2, Neutral: 0.1, Mixed: 0 },
      })),
      ErrorList: [],
    }));
    const docs = [
      ...Array.from({ length: 60 }, (_, i) => ({ id: `en-${i}`, text: 'Thanks', language: 'en' })),
      ...Array.from({ length: 3 }, (_, i) => ({ id: `ja-${i}`, text: 'ありがとう', language: 'ja' })),
      { id: 'ru-0', text: 'Это ужасно', language: 'ru' },
    ];
    // Act
    const results = await new ComprehendAnalyser(
      new ComprehendClient({ region: 'eu-west-1' }),
      new LocalLexiconAnalyser(),
    ).analyse(docs);
    // Assess: en 25 + 25 + 10, ja 3; Russian (not supported by Comprehend) by the local lexicon
    const calls = comprehend.commandCalls(BatchDetectSentimentCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.LanguageCode, c.TextList!.length])).toEqual([
      ['en', 25],
      ['en', 25],
      ['en', 10],
      ['ja', 3],
    ]);
    expect(results).toHaveLength(64);
    expect(results.find((r) => r.id === 'en-59')!.score).toBeCloseTo(0.5, 10);
    expect(results.find((r) => r.id === 'ru-0')!.score).toBeLessThan(-0.25);
    comprehend.restore();
  });
});

describe('runSentimentStage', () => {
  let world: KpiWorld;

  beforeAll(async () => {
    world = await createKpiWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('scores only customer messages not analysed yet and the models read the scores', async () => {
    // Prepare: a customer message, an agent reply, a later angry message
    await world.land('groups', groupRows());
    await world.land('users', [userRow({ user_id: 101 }), userRow({ user_id: 201, role: 'agent' })]);
    await world.land('tickets', [ticketRow({ ticket_id: 1, created_at: '2026-03-02T10:00:00Z' })]);
    const texts = [
      { author_id: 101, at: '2026-03-02T10:00:00Z', body: 'Thank you, great service!' },
      { author_id: 201, at: '2026-03-02T10:05:00Z', body: 'You are welcome, terrible weather today.' },
      { author_id: 101, at: '2026-03-02T11:00:00Z', body: 'This is terrible, I am furious.' },
    ].map(
      (t): Record<string, unknown> => ({
        ...commentRow({ ticket_id: 1, author_id: t.author_id, created_at: t.at }),
        body: t.body,
      }),
    );
    await world.land(
      'comments',
      texts.map(({ body: _body, ...c }) => c),
    );
    await world.land(
      'comment_texts',
      texts.map((t) => ({
        comment_id: t.comment_id,
        ticket_id: 1,
        author_id: t.author_id,
        created_at: t.created_at,
        body: t.body,
      })),
    );
    // Act
    const first = await runSentimentStage({ config: world.config, store: world.store, runId: 'nlp-1' });
    const second = await runSentimentStage({ config: world.config, store: world.store, runId: 'nlp-2' });
    await world.transform('2026-03-03T00:00:00Z');
    // Assess
    expect(first).toMatchObject({ files: 1, messages: 2, skippedAgentComments: 1 });
    expect(first.writtenKeys[0]).toMatch(
      /^landing\/nlp\/comment_sentiment\/dt=\d{4}-\d{2}-\d{2}\/nlp-1-00001\.jsonl\.gz$/,
    );
    expect(second).toMatchObject({ files: 0, messages: 0 });
    const [row] = await world.query(
      'select sentiment_score, sentiment_shift, sentiment_label from fct_tickets',
    );
    expect(Number(row!.sentiment_shift)).toBeLessThan(-0.5);
    expect(Math.abs(Number(row!.sentiment_score))).toBeLessThan(0.25);
    expect(row!.sentiment_label).toBe('neutral');
  });
});
