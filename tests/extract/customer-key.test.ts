import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { customerKey } from '#src/privacy/customer-key.ts';
import { HmacKeyError, resolveHmacKey } from '#src/privacy/resolve-hmac-key.ts';

const folders: string[] = [];
afterEach(async () => {
  for (const f of folders.splice(0)) await rm(f, { recursive: true, force: true });
});

describe('customerKey', () => {
  it('is the HMAC-SHA256 hex of the trimmed, lower-cased e-mail', () => {
    const expected = createHmac('sha256', 'secret-key').update('ann.lee@example.com').digest('hex');
    expect(customerKey('  Ann.Lee@Example.COM ', 'secret-key')).toBe(expected);
    expect(customerKey('ann.lee@example.com', 'another-key')).not.toBe(expected);
  });

  it('gives no key without an e-mail', () => {
    expect(customerKey(null, 'k')).toBeNull();
    expect(customerKey('   ', 'k')).toBeNull();
  });
});

describe('resolveHmacKey', () => {
  it('uses the environment variable the config names', async () => {
    const key = await resolveHmacKey({
      envName: 'MY_KEY',
      stateDir: '/nonexistent',
      env: { MY_KEY: 'k'.repeat(40) },
    });
    expect(key).toEqual({ key: 'k'.repeat(40), origin: 'environment variable MY_KEY' });
  });

  it('creates a local key once with mode 0600, says so once, and reuses it', async () => {
    // Prepare
    const stateDir = await mkdtemp(join(tmpdir(), 'state-'));
    folders.push(stateDir);
    // Act
    const first = await resolveHmacKey({ envName: 'UNSET_KEY', stateDir, env: {} });
    const second = await resolveHmacKey({ envName: 'UNSET_KEY', stateDir, env: {} });
    // Assess
    const file = join(stateDir, 'secrets', 'hmac.key');
    expect(first.notice).toContain('UNSET_KEY is not set');
    expect(first.notice).not.toContain(first.key);
    expect(second.notice).toBeUndefined();
    expect(second.key).toBe(first.key);
    expect((await readFile(file, 'utf8')).trim()).toBe(first.key);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses a short key, and a missing one where no local key may be made', async () => {
    await expect(
      resolveHmacKey({ envName: 'K', stateDir: '/x', env: { K: 'short' } }),
    ).rejects.toBeInstanceOf(HmacKeyError);
    await expect(
      resolveHmacKey({ envName: 'K', stateDir: '/x', env: {}, allowLocalKey: false }),
    ).rejects.toThrow('Environment variable K is not set');
  });
});
