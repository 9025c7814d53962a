/** The source answered in a shape or order its protocol does not allow; retrying would not help. */
export class SourceProtocolError extends Error {
  override readonly name = 'SourceProtocolError';
  constructor(
    readonly source: string,
    readonly path: string,
    detail: string,
  ) {
    super(
      `${source} ${path}: ${detail}. The stream stopped at its last checkpoint; check that the base URL points at the right API.`,
    );
  }
}
