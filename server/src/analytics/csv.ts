/**
 * CSV for spreadsheets (insights exports, AN5): RFC 4180 with every cell quoted (`"` doubled),
 * CRLF line ends, and formula injection neutralised (OWASP "CSV Injection"): a text cell that
 * begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so Excel, Calc and
 * Sheets show it as text instead of evaluating it. Numbers are written as numbers: `-3` is a value,
 * not a formula. Pure.
 */
export type CsvCell = string | number;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(v: CsvCell): string {
  const text = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : FORMULA_START.test(v) ? `'${v}` : v;
  return `"${text.replaceAll('"', '""')}"`;
}

/** Rows to CSV text: a header row first if you want one; every line ends with CRLF. */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((r) => r.map(csvCell).join(",") + "\r\n").join("");
}
