import type { WarehouseConfig } from '#src/config/warehouse-config.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';

/**
 * What DuckDB memory limit a full rebuild of the landed data needs, calibrated by
 * `bench/transform-memory.ts` (the smallest limit under which a full transform of each bench world
 * finished, against its landing bytes; README, "Memory a desk needs"). An incremental day needs
 * less, but a KPI definition change rebuilds everything, so the warning is about the rebuild.
 */
export const TRANSFORM_MEMORY_CALIBRATION = {
  /** Needed whatever the desk: DuckDB's own buffers, a JSON read buffer, the CRM and small tables. */
  baseBytes: 32 * 1024 * 1024,
  /**
   * Memory limit per byte of the ticket desk's gzip landing JSON (the CRM's hardly grows with the
   * tickets). Measured full rebuilds: 10,506 tickets (8.6 MiB of desk landing) finished at 160 MB;
   * 21,643 tickets (14.4 MiB) failed at 256 MB in `kpi_values` and finished at 384 MB; 82,547
   * tickets (48.9 MiB) failed at 1 GB in `kpi_values` and finished at 1.5 GB. 24 puts them at
   * ~238 MiB, ~378 MiB and ~1,206 MiB. Linear, because `kpi_values` keeps every percentile value of a
   * full rebuild in memory at once.
   */
  perLandingByte: 24,
} as const;

const UNITS: Record<string, number> = {
  b: 1,
  bytes: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** Bytes of a DuckDB memory amount (`4GB` = 4·10⁹ bytes as DuckDB reads it, `4GiB` = 4·2³⁰). */
export function memoryAmountBytes(amount: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(amount);
  const unit = UNITS[match?.[2]?.toLowerCase() ?? ''];
  if (!match || unit === undefined) throw new Error(`not an amount of memory: "${amount}"`);
  return Number(match[1]) * unit;
}

/** The DuckDB memory limit a full rebuild of `landingBytes` of desk landing data needs (estimate). */
export function transformMemoryNeeded(landingBytes: number): number {
  const { baseBytes, perLandingByte } = TRANSFORM_MEMORY_CALIBRATION;
  return baseBytes + perLandingByte * landingBytes;
}

/** Bytes of the ticket desk's landing files (gzip JSON lines, as extraction wrote them). */
export async function landedBytes(store: ObjectStore): Promise<number> {
  let total = 0;
  for await (const object of store.list('landing/zendesk/')) total += object.size;
  return total;
}

const formatBytes = (bytes: number) =>
  bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${Math.ceil(bytes / 1024 ** 2)} MiB`;

/**
 * The warning line when DuckDB's configured memory limit is below what a full rebuild of the
 * landed data needs; undefined when it is enough (or the engine is not DuckDB).
 */
export function transformMemoryWarning(config: WarehouseConfig, landingBytes: number): string | undefined {
  if (config.engine.kind !== 'duckdb') return undefined;
  const limit = memoryAmountBytes(config.engine.memoryLimit);
  const needed = transformMemoryNeeded(landingBytes);
  if (limit >= needed) return undefined;
  return (
    `transform: ⚠ engine.memoryLimit ${config.engine.memoryLimit} is below the ~${formatBytes(needed)} ` +
    `a full rebuild of the ${formatBytes(landingBytes)} of landed desk data needs; a big model may run out of ` +
    `memory. Raise engine.memoryLimit (README, "Memory a desk needs").`
  );
}
