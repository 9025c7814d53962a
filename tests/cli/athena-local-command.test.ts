import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AthenaClient } from '@aws-sdk/client-athena';
import { describe, expect, it } from 'vitest';
import { AthenaEngine } from '#src/engines/athena/athena-engine.ts';

const root = new URL('../../', import.meta.url).pathname;

describe('warehouse athena-local', () => {
  it('serves the Athena API on loopback until stopped, and the Athena engine runs statements on it', async () => {
    // Prepare
    // main.ts through tsx directly (bin/warehouse.mjs wraps it in a second process), so SIGTERM reaches it.
    const main = join(root, 'src/cli/main.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'athena-local', '--port', '0'], {
      cwd: root,
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' },
    });
    const lines = createInterface({ input: child.stdout });
    let endpoint = '';
    for await (const line of lines) {
      const match = /^local Athena at (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (match) {
        endpoint = match[1] as string;
        break;
      }
    }
    const engine = new AthenaEngine({
      workgroup: 'local',
      database: 'support_kpi',
      client: new AthenaClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      curatedLocation: 's3://lake/curated/',
      initialPollMs: 5,
    });
    try {
      // Act
      const result = await engine.execute('SELECT 40 + 2 AS answer');
      // Assess
      expect(result.rows).toEqual([{ answer: 42 }]);
    } finally {
      await engine.close();
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    }
  }, 60_000);
});
