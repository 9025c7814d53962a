import { customerPhrases, type Sentiment } from './phrase-banks.ts';
import type { Rng } from './prng.ts';
import type { Language } from './world-catalog.ts';

/** One sentence a customer writes in `language` with `sentiment`. */
export function phrase(rng: Rng, language: Language, sentiment: Sentiment): string {
  return rng.pick(customerPhrases[language][sentiment]);
}

/** A customer message: one sentence of the sentiment, sometimes a second of the same or a milder one. */
export function customerText(rng: Rng, language: Language, sentiment: Sentiment): string {
  const first = phrase(rng, language, sentiment);
  if (!rng.chance(0.5)) return first;
  const second = phrase(
    rng,
    language,
    sentiment === 'positive' ? 'positive' : rng.chance(0.5) ? 'neutral' : sentiment,
  );
  return second === first ? first : `${first} ${second}`;
}
