/** A command line that cannot be run as given: the CLI prints it in one line and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
