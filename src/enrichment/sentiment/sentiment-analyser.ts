/** A text to analyse: a customer message. */
export interface SentimentDocument {
  readonly id: string;
  readonly text: string;
  /** ISO 639-1 language when known (the ticket's language); the analyser detects it otherwise. */
  readonly language?: string | null;
}

export interface SentimentResult {
  readonly id: string;
  /** In [-1, 1]: negative ≤ -0.25 < neutral < 0.25 ≤ positive (the fct_tickets labels). */
  readonly score: number;
  /** The language the analyser used. */
  readonly language: string;
}

/**
 * The sentiment stage's analyser. Implementations share this contract: `local/local-lexicon-analyser.ts`
 * (offline, en ru zh es ja ko) and `comprehend/comprehend-analyser.ts` (Amazon Comprehend in AWS).
 */
export interface SentimentAnalyser {
  /** Name and version, stored with every score (`analyser` column). */
  readonly name: string;
  analyse(documents: readonly SentimentDocument[]): Promise<SentimentResult[]>;
}

/** The label fct_tickets gives a score (used by the accuracy report). */
export function sentimentLabel(score: number): 'negative' | 'neutral' | 'positive' {
  if (score <= -0.25) return 'negative';
  if (score >= 0.25) return 'positive';
  return 'neutral';
}
