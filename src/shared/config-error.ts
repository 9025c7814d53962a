/** Invalid configuration: raised before anything is read from a source or written to the lake. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly origin: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(
      `Invalid configuration in ${origin}:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}\n` +
        'Fix these fields and run again; nothing was read or written.',
    );
  }
}
