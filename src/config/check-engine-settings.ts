import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { WarehouseConfig } from '#src/config/warehouse-config.ts';
import { ConfigError } from '#src/shared/config-error.ts';

/**
 * Try the settings the engine will be given on a throw-away in-memory DuckDB, before anything is
 * read or written: a memory limit or thread count DuckDB refuses, or a time zone its ICU data does
 * not know, would otherwise fail only after extraction. Raises ConfigError naming the field.
 * Athena's settings are checked by the schema alone (there is no engine to try here).
 */
export async function checkEngineSettings(config: WarehouseConfig, origin = 'configuration'): Promise<void> {
  if (config.engine.kind !== 'duckdb') return;
  const issues: { path: string; message: string }[] = [];
  const refused = (path: string, value: string, error: unknown) =>
    issues.push({ path, message: `DuckDB refuses "${value}" (${firstLine(error)})` });

  // The limit must be accepted and leave room to run a statement at all ("0GB" is accepted, then
  // nothing can be allocated).
  let instance: DuckDBInstance | undefined;
  let connection: DuckDBConnection;
  try {
    instance = await DuckDBInstance.create(':memory:', {
      memory_limit: config.engine.memoryLimit,
      threads: '1',
    });
    connection = await instance.connect();
    await connection.run('create temp table memory_probe as select * from range(10000)');
  } catch (error) {
    instance?.closeSync();
    refused('engine.memoryLimit', config.engine.memoryLimit, error);
    throw new ConfigError(origin, issues);
  }
  try {
    try {
      const attempt = async (path: string, value: string, sql: string) => {
        try {
          await connection.run(sql);
        } catch (error) {
          refused(path, value, error);
        }
      };
      await attempt(
        'engine.threads',
        String(config.engine.threads),
        `SET threads = ${config.engine.threads}`,
      );
      const spillCap = config.engine.maxTempDirectorySize;
      if (spillCap)
        await attempt(
          'engine.maxTempDirectorySize',
          spillCap,
          `SET max_temp_directory_size = '${spillCap.replaceAll("'", "''")}'`,
        );
      const zones: [string, string][] = [
        ['desk.reportingTimeZone', config.desk.reportingTimeZone],
        ...Object.entries(config.sla.schedules).map(
          ([name, s]) => [`sla.schedules.${name}.timeZone`, s.timeZone] as [string, string],
        ),
      ];
      for (const [path, zone] of zones)
        await attempt(path, zone, `SET TimeZone = '${zone.replaceAll("'", "''")}'`);
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
  if (issues.length > 0) throw new ConfigError(origin, issues);
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0] ?? '';
}
