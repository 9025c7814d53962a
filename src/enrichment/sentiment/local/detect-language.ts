export type LexiconLanguage = 'en' | 'ru' | 'zh' | 'es' | 'ja' | 'ko';

const spanishHints =
  /[ñ¿¡áéíóú]|\b(el|la|los|las|de|que|por|para|mi|muy|estoy|gracias|hola|cuenta|dinero|pero|es|una|un)\b/iu;

/**
 * The language of a short message from its script: Hangul → ko, kana → ja, Han → zh, Cyrillic →
 * ru; Latin text is Spanish when it carries Spanish letters or function words, else English.
 */
export function detectLanguage(text: string): LexiconLanguage {
  if (/\p{Script=Hangul}/u.test(text)) return 'ko';
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return 'ja';
  if (/\p{Script=Han}/u.test(text)) return 'zh';
  if (/\p{Script=Cyrillic}/u.test(text)) return 'ru';
  return spanishHints.test(text) ? 'es' : 'en';
}
