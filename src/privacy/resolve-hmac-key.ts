import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface HmacKeySource {
  readonly key: string;
  /** Where it came from, safe to print: never the key itself. */
  readonly origin: string;
  /** A first-run notice to show once (a local key was created), or undefined. */
  readonly notice?: string;
}

/** The HMAC key for customer keys is missing and cannot be created. */
export class HmacKeyError extends Error {
  override readonly name = 'HmacKeyError';
}

/**
 * The key comes from the environment variable named in `privacy.hmacKeyEnv` (in AWS, filled from
 * Secrets Manager). Locally, when the variable is unset, a random key is created once in
 * `<stateDir>/secrets/hmac.key` (mode 0600) and reused, so customer keys stay stable across runs.
 */
export async function resolveHmacKey(options: {
  readonly envName: string;
  readonly stateDir: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Lambda has no durable state folder: refuse to invent a key there. */
  readonly allowLocalKey?: boolean;
}): Promise<HmacKeySource> {
  const env = options.env ?? process.env;
  const fromEnv = env[options.envName];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < 16) {
      throw new HmacKeyError(
        `The HMAC key in ${options.envName} is shorter than 16 characters; use a random value of 32 bytes or more.`,
      );
    }
    return { key: fromEnv, origin: `environment variable ${options.envName}` };
  }
  if (options.allowLocalKey === false) {
    throw new HmacKeyError(
      `Environment variable ${options.envName} is not set; it must hold the HMAC key for customer keys.`,
    );
  }
  const folder = join(options.stateDir, 'secrets');
  const file = join(folder, 'hmac.key');
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing) return { key: existing, origin: file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('hex');
  // 'wx' so two processes starting together cannot both create (and one lose) a key.
  try {
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return resolveHmacKey(options);
    throw error;
  }
  await chmod(file, 0o600);
  return {
    key,
    origin: file,
    notice:
      `${options.envName} is not set: created a local HMAC key for customer keys in ${file} (mode 0600). ` +
      `Keep it: customer keys change if it is lost. Set ${options.envName} to use your own.`,
  };
}
