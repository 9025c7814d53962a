import type {
  SentimentAnalyser,
  SentimentDocument,
  SentimentResult,
} from '#src/enrichment/sentiment/sentiment-analyser.ts';
import { detectLanguage, type LexiconLanguage } from './detect-language.ts';
import { type Lexicon, lexicons } from './lexicons.ts';

/** Negation flips and damps (VADER's constant). */
const NEGATION = -0.74;
/** Normalisation: score = s / sqrt(s² + ALPHA), so one strong word is about ±0.8, one mild word about ±0.45. */
const ALPHA = 4;
const NEGATION_WINDOW = 3;

const apostropheNegation =
  /n[’']t$|^(dont|doesnt|didnt|isnt|wasnt|cant|wont|aint|havent|hasnt|couldnt|shouldnt)$/;

function wordScore(text: string, lexicon: Lexicon): number {
  const tokens = text.toLowerCase().match(/[\p{L}’']+/gu) ?? [];
  const stems = Object.entries(lexicon.entries).sort((a, b) => b[0].length - a[0].length);
  let total = 0;
  for (const [i, token] of tokens.entries()) {
    const match = stems.find(([stem]) =>
      stem.startsWith('=')
        ? token === stem.slice(1)
        : stem.length >= 3
          ? token.startsWith(stem)
          : token === stem,
    );
    if (!match) continue;
    let weight = match[1];
    const before = tokens.slice(Math.max(0, i - NEGATION_WINDOW), i);
    const intensifier = before.slice(-2).find((t) => t in lexicon.intensifiers);
    if (intensifier) weight *= lexicon.intensifiers[intensifier]!;
    if (before.some((t) => lexicon.negators.includes(t) || apostropheNegation.test(t))) weight *= NEGATION;
    total += weight;
  }
  return total;
}

function substringScore(text: string, lexicon: Lexicon): number {
  const entries = Object.entries(lexicon.entries).sort((a, b) => b[0].length - a[0].length);
  const intensifiers = Object.entries(lexicon.intensifiers);
  let total = 0;
  let position = 0;
  while (position < text.length) {
    const match = entries.find(([entry]) => text.startsWith(entry, position));
    if (!match) {
      position++;
      continue;
    }
    const [entry, base] = match;
    let weight = base;
    const before = text.slice(Math.max(0, position - 3), position);
    const after = text.slice(position + entry.length, position + entry.length + 6);
    if (intensifiers.some(([word]) => before.endsWith(word) || before.slice(0, -1).endsWith(word))) {
      const [, factor] = intensifiers.find(([word]) => before.includes(word))!;
      weight *= factor;
    }
    const negatedBefore = lexicon.negators.some((n) => before.endsWith(n) || before.slice(0, -1).endsWith(n));
    // Endings negate only positive words: a negative word with a negative ending (許せない) stays negative.
    const negatedAfter = base > 0 && (lexicon.negatingEndings ?? []).some((e) => after.includes(e));
    if (negatedBefore || negatedAfter) weight *= NEGATION;
    total += weight;
    position += entry.length;
  }
  return total;
}

/** The score of one text in one language, in [-1, 1]. */
export function lexiconScore(text: string, language: LexiconLanguage): number {
  const lexicon = lexicons[language];
  const raw = lexicon.kind === 'words' ? wordScore(text, lexicon) : substringScore(text, lexicon);
  return raw / Math.sqrt(raw * raw + ALPHA);
}

function supported(language: string | null | undefined): LexiconLanguage | undefined {
  const code = language?.toLowerCase().slice(0, 2);
  return code && code in lexicons ? (code as LexiconLanguage) : undefined;
}

/**
 * The offline analyser: a lexicon per language with negation and intensifiers, word stems for
 * en / es / ru and longest-first substring matching for zh / ja / ko (no word boundaries there).
 * The language is detected from the script when the hint is absent or does not fit the text.
 */
export class LocalLexiconAnalyser implements SentimentAnalyser {
  readonly name = 'local-lexicon/1';

  async analyse(documents: readonly SentimentDocument[]): Promise<SentimentResult[]> {
    return documents.map((doc) => {
      const detected = detectLanguage(doc.text);
      const hinted = supported(doc.language);
      // The script decides (a Russian customer may write in English); the hint only settles Latin
      // text between English and Spanish, which the script cannot.
      const latin = (l: string | undefined) => l === 'en' || l === 'es';
      const language = hinted && latin(hinted) && latin(detected) ? hinted : detected;
      return { id: doc.id, score: lexiconScore(doc.text, language), language };
    });
  }
}
