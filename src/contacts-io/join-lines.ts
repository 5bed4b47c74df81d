/**
 * The lines of a multi-line value (an address, a title) on one line: each trimmed, blank ones dropped,
 * joined with ", ". Split rather than one regex over runs of whitespace, which takes quadratic time on
 * a long run of spaces (a 200,000-character value of spaces would stall the import for seconds).
 */
export function joinLines(value: string): string {
  return value
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(', ');
}
