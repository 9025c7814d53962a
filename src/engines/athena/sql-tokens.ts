/**
 * A small SQL tokenizer for the local Athena: enough to tell keywords from quoted identifiers,
 * string literals and `?` placeholders, which is all its rules need. It is not a parser; the
 * statement itself is parsed by DuckDB once the rules have passed.
 */
export type TokenKind = 'word' | 'double-quoted' | 'backquoted' | 'string' | 'number' | 'param' | 'symbol';

export interface Token {
  readonly kind: TokenKind;
  /** The token as written (quotes included for quoted tokens). */
  readonly text: string;
  /** Upper-cased word, or the unquoted identifier / string value. */
  readonly value: string;
  readonly start: number;
  /** Parenthesis depth at the token (0 = top level). */
  readonly depth: number;
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, value: string) => {
    tokens.push({ kind, text: sql.slice(start, end), value, start, depth });
  };
  while (i < sql.length) {
    const c = sql[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      const start = i;
      let value = '';
      i++;
      while (i < sql.length) {
        if (sql[i] === c && sql[i + 1] === c) {
          value += c;
          i += 2;
        } else if (sql[i] === c) {
          i++;
          break;
        } else {
          value += sql[i];
          i++;
        }
      }
      push(c === "'" ? 'string' : c === '"' ? 'double-quoted' : 'backquoted', start, i, value);
    } else if (/[A-Za-z_$]/.test(c)) {
      const start = i;
      while (i < sql.length && /[A-Za-z0-9_$]/.test(sql[i] as string)) i++;
      push('word', start, i, sql.slice(start, i).toUpperCase());
    } else if (/[0-9]/.test(c)) {
      const start = i;
      while (i < sql.length && /[0-9.eE]/.test(sql[i] as string)) i++;
      push('number', start, i, sql.slice(start, i));
    } else if (c === '?') {
      push('param', i, i + 1, '?');
      i++;
    } else {
      if (c === ')') depth = Math.max(0, depth - 1);
      push('symbol', i, i + 1, c);
      if (c === '(') depth++;
      i++;
    }
  }
  return tokens;
}

/** The leading words of a statement, upper-cased (`CREATE`, `EXTERNAL`, `TABLE`, …). */
export function leadingWords(tokens: readonly Token[], count: number): string[] {
  const words: string[] = [];
  for (const token of tokens) {
    if (token.kind !== 'word') break;
    words.push(token.value);
    if (words.length === count) break;
  }
  return words;
}

/** Replace each `?` placeholder, in order, by the given SQL text (Athena substitutes execution parameters so). */
export function substituteParameters(
  sql: string,
  tokens: readonly Token[],
  values: readonly string[],
): string {
  let out = '';
  let last = 0;
  let index = 0;
  for (const token of tokens) {
    if (token.kind !== 'param') continue;
    out += sql.slice(last, token.start) + (values[index] ?? '?');
    last = token.start + 1;
    index++;
  }
  return out + sql.slice(last);
}
