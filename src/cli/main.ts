/** Entry point of the command line: parses arguments and returns the exit code. */
export async function main(_argv: readonly string[]): Promise<number> {
  return 0;
}
