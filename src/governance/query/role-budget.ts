import * as z from 'zod';
import type { Role } from '#src/governance/access/role.ts';

/**
 * What one ad-hoc query of a role may spend. DuckDB enforces the memory limit and the spill cap
 * itself; the time budget interrupts the statement, and the host process kills the sandbox when
 * the statement does not stop (a scalar function DuckDB cannot interrupt) or its process grows past
 * `processMemoryMb` (string heaps DuckDB does not count against `memory_limit`).
 */
export const roleBudgetSchema = z.strictObject({
  /** Wall-clock time for the statement (parse, plan and run), in ms. */
  timeoutMs: z.number().int().positive(),
  /** DuckDB `memory_limit` of the sandbox instance. */
  memoryLimit: z.string().regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|KiB|MiB|GiB)$/),
  /** DuckDB `max_temp_directory_size`: what a statement may spill ('0B': nothing). */
  maxTempDirectorySize: z.string().regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|KiB|MiB|GiB)$/),
  /** Rows returned at most; the rest is cut off and the result flagged as truncated. */
  maxRows: z.number().int().positive(),
  /** Resident memory of the whole sandbox process before it is killed, in MB. */
  processMemoryMb: z.number().int().positive(),
  threads: z.number().int().positive(),
});
export type RoleBudget = z.infer<typeof roleBudgetSchema>;

export const roleBudgets: Readonly<Record<Role, RoleBudget>> = {
  analyst: {
    timeoutMs: 30_000,
    memoryLimit: '512MB',
    maxTempDirectorySize: '1GB',
    maxRows: 100_000,
    processMemoryMb: 1_024,
    threads: 1,
  },
  engineer: {
    timeoutMs: 60_000,
    memoryLimit: '1GB',
    maxTempDirectorySize: '2GB',
    maxRows: 200_000,
    processMemoryMb: 1_536,
    threads: 2,
  },
  compliance: {
    timeoutMs: 120_000,
    memoryLimit: '1GB',
    maxTempDirectorySize: '4GB',
    maxRows: 1_000_000,
    processMemoryMb: 2_048,
    threads: 2,
  },
  pipeline: {
    timeoutMs: 120_000,
    memoryLimit: '1GB',
    maxTempDirectorySize: '4GB',
    maxRows: 1_000_000,
    processMemoryMb: 2_048,
    threads: 2,
  },
};
