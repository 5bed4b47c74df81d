/*
 * The text a table digest hashes (SPEC CV1), built exactly as public.sync_digest() builds it: one line
 * per row in id order, "id:field=stamp,field=stamp" with fields in byte order, lines joined by "\n".
 * Both sides then hash it with SHA-256; equal hashes mean equal ids and stamps, so equal rows.
 */
export function digestText(rows: readonly { readonly id: string; readonly field_stamps?: unknown }[]): string {
  const byte = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return rows
    .map((row) => {
      const stamps = row.field_stamps !== null && typeof row.field_stamps === 'object' ? (row.field_stamps as Record<string, unknown>) : {};
      const fields = Object.keys(stamps).sort(byte).map((key) => `${key}=${String(stamps[key])}`);
      return { id: row.id, line: `${row.id}:${fields.join(',')}` };
    })
    .sort((a, b) => byte(a.id, b.id))
    .map((entry) => entry.line)
    .join('\n');
}
