/**
 * One CSV cell, safe to open in a spreadsheet: text that starts like a formula (=, +, -, @, tab, carriage return)
 * gets a leading apostrophe, so Excel and LibreOffice show it instead of evaluating it (OWASP's CSV injection
 * advice); every cell is quoted, inner quotes doubled.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '""';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '""';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
