import {
  BatchDetectSentimentCommand,
  type ComprehendClient,
  type LanguageCode,
} from '@aws-sdk/client-comprehend';
import { detectLanguage } from '#src/enrichment/sentiment/local/detect-language.ts';
import type {
  SentimentAnalyser,
  SentimentDocument,
  SentimentResult,
} from '#src/enrichment/sentiment/sentiment-analyser.ts';

/** Comprehend's BatchDetectSentiment takes at most 25 documents of one language per call. */
export const COMPREHEND_BATCH = 25;

/** Languages Comprehend's sentiment analysis accepts (Russian, for one, is not among them). */
const comprehendLanguages = new Set([
  'en',
  'es',
  'fr',
  'de',
  'it',
  'pt',
  'ar',
  'hi',
  'ja',
  'ko',
  'zh',
  'zh-TW',
]);

/**
 * Amazon Comprehend in AWS. Documents are grouped by language and sent 25 at a time; the score is
 * P(positive) − P(negative). A language Comprehend does not analyse (ru), and any document it
 * reports an error for, goes to the fallback analyser, so every message gets a score.
 */
export class ComprehendAnalyser implements SentimentAnalyser {
  readonly name = 'comprehend/BatchDetectSentiment';

  constructor(
    private readonly client: ComprehendClient,
    private readonly fallback: SentimentAnalyser,
    private readonly maxBytes = 4500,
  ) {}

  async analyse(documents: readonly SentimentDocument[]): Promise<SentimentResult[]> {
    const results = new Map<string, SentimentResult>();
    const byLanguage = new Map<string, SentimentDocument[]>();
    const unsupported: SentimentDocument[] = [];
    for (const doc of documents) {
      const language = doc.language?.toLowerCase().slice(0, 2) || detectLanguage(doc.text);
      if (comprehendLanguages.has(language)) {
        const list = byLanguage.get(language) ?? [];
        list.push(doc);
        byLanguage.set(language, list);
      } else {
        unsupported.push(doc);
      }
    }
    for (const [language, docs] of byLanguage) {
      for (let i = 0; i < docs.length; i += COMPREHEND_BATCH) {
        const batch = docs.slice(i, i + COMPREHEND_BATCH);
        const output = await this.client.send(
          new BatchDetectSentimentCommand({
            LanguageCode: language as LanguageCode,
            TextList: batch.map((d) => truncateUtf8(d.text, this.maxBytes)),
          }),
        );
        for (const item of output.ResultList ?? []) {
          const doc = batch[item.Index ?? -1];
          const s = item.SentimentScore;
          if (!doc || !s) continue;
          results.set(doc.id, { id: doc.id, score: (s.Positive ?? 0) - (s.Negative ?? 0), language });
        }
        for (const error of output.ErrorList ?? []) {
          const doc = batch[error.Index ?? -1];
          if (doc) unsupported.push(doc);
        }
      }
    }
    for (const r of await this.fallback.analyse(unsupported)) results.set(r.id, r);
    return documents.flatMap((d) => {
      const r = results.get(d.id);
      return r ? [r] : [];
    });
  }
}

/** Comprehend limits documents by UTF-8 bytes; cut on a character boundary. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out;
}
