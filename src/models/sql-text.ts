/**
 * Blank out comments and string literals (keeping every newline and the length), so a scan of the
 * remaining text finds identifiers and function calls with their true line numbers.
 */
export function maskCommentsAndStrings(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      while (i < sql.length && sql[i] !== '\n') {
        out += ' ';
        i++;
      }
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      for (; i < stop; i++) out += sql[i] === '\n' ? '\n' : ' ';
    } else if (c === "'") {
      out += "'";
      i++;
      while (i < sql.length) {
        if (sql[i] === "'" && sql[i + 1] === "'") {
          out += '  ';
          i += 2;
        } else if (sql[i] === "'") {
          break;
        } else {
          out += sql[i] === '\n' ? '\n' : ' ';
          i++;
        }
      }
      if (i < sql.length) {
        out += "'";
        i++;
      }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** 1-based line of a character offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

/** Names defined by `WITH name AS (` / `, name AS (` in the query. */
export function cteNames(masked: string): Set<string> {
  const names = new Set<string>();
  for (const m of masked.matchAll(/(?:\bwith|,)\s+("?)([a-z_][a-z0-9_]*)\1\s+as\s*\(/gi)) {
    names.add((m[2] as string).toLowerCase());
  }
  return names;
}
