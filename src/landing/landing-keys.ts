/**
 * Where a page's landing rows live: `landing/<source>/<stream>/dt=<extract date>/<page>.jsonl.gz`.
 * Written by the extraction and by the enrichment stages that land derived rows (sentiment).
 */
export function landingKey(source: string, stream: string, extractDate: string, pageName: string): string {
  return `landing/${source}/${stream}/dt=${extractDate}/${pageName}.jsonl.gz`;
}
