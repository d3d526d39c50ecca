/**
 * CSV for batch personalization (RFC 4180 as spreadsheet programs write it): an optional UTF-8 BOM, commas, quoted
 * fields with doubled quotes and line breaks inside, CRLF or LF. The first row is the heading; Chinese and English
 * headings map to poster variables (variables.ts). Every error names its line number.
 */
import { variableForHeader } from './variables';

export const CSV_MAX_ROWS = 5000;

export class CsvError extends Error {
  constructor(
    /** `csv.unclosedQuote` | `csv.badQuote` | `csv.columnCount` | `csv.empty` | `csv.noNickname` | `csv.tooManyRows` | `csv.duplicateHeader` */
    readonly code: string,
    /** 1-based line of the file where the problem is (0 for the whole file). */
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

/** Splits CSV text into rows of fields, each with the line it starts on. */
export function parseCsvRows(text: string): { fields: string[]; line: number }[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  while (i < src.length) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = src[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new CsvError('csv.badQuote', line, `Line ${line}: text after a closing quote`);
        }
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      i++;
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      fieldStarted = false;
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      fields.push(field);
      if (!(fields.length === 1 && fields[0] === '')) rows.push({ fields, line: rowLine });
      fields = [];
      field = '';
      fieldStarted = false;
      i += c === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line++;
      rowLine = line;
      continue;
    }
    if (c === '"') throw new CsvError('csv.badQuote', line, `Line ${line}: a quote inside an unquoted field`);
    field += c;
    fieldStarted = true;
    i++;
  }
  if (quoted) throw new CsvError('csv.unclosedQuote', rowLine, `Line ${rowLine}: a quoted field is never closed`);
  if (fieldStarted || fields.length > 0) {
    fields.push(field);
    rows.push({ fields, line: rowLine });
  }
  return rows;
}

/** One person of a batch: variable values and the CSV line they came from. */
export interface BatchPerson {
  line: number;
  values: Record<string, string>;
}

/**
 * Reads a batch CSV: one person per row, values keyed by variable name (known headings mapped, other headings kept as
 * they are). A nickname column is required; empty rows are skipped.
 */
export function parseBatchCsv(text: string): BatchPerson[] {
  const rows = parseCsvRows(text);
  if (rows.length === 0) throw new CsvError('csv.empty', 0, 'The file is empty');
  const header = rows[0]!;
  const keys = header.fields.map((h) => variableForHeader(h) ?? h.trim());
  const seen = new Set<string>();
  for (const k of keys) {
    if (k && seen.has(k)) throw new CsvError('csv.duplicateHeader', header.line, `Line ${header.line}: two columns mean "${k}"`);
    seen.add(k);
  }
  if (!keys.includes('nickname')) throw new CsvError('csv.noNickname', header.line, `Line ${header.line}: no nickname column (昵称 / nickname)`);
  if (rows.length - 1 > CSV_MAX_ROWS) throw new CsvError('csv.tooManyRows', 0, `More than ${CSV_MAX_ROWS} people`);
  const out: BatchPerson[] = [];
  for (const row of rows.slice(1)) {
    if (row.fields.every((f) => f.trim() === '')) continue;
    if (row.fields.length !== keys.length) {
      throw new CsvError('csv.columnCount', row.line, `Line ${row.line}: ${row.fields.length} fields, the heading has ${keys.length}`);
    }
    const values: Record<string, string> = {};
    keys.forEach((k, i) => {
      if (k) values[k] = row.fields[i]!.trim();
    });
    out.push({ line: row.line, values });
  }
  return out;
}

const RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;

/**
 * A file name from the creator's pattern (`{{nickname}}-{{index}}` …): variables substituted, characters no OS
 * accepts replaced, Windows' reserved names avoided, length bounded. `index` is the person's 1-based position.
 */
export function fileNameFromPattern(pattern: string, values: Readonly<Record<string, string | undefined>>, index: number): string {
  const filled = pattern.replace(/\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g, (_, name: string) => (name === 'index' ? String(index) : (values[name] ?? '')));
  // eslint-disable-next-line no-control-regex
  let name = filled.replace(/[\\/:*?"<>|\u0000-\u001f\u007f]+/g, '_').replace(/\s+/g, ' ').trim().replace(/^\.+/, '').replace(/[. ]+$/, '');
  name = [...name].slice(0, 80).join('');
  if (!name || RESERVED.test(name)) name = `poster-${index}${name ? `-${name}` : ''}`;
  return name;
}

/** Makes names unique within a batch (case-insensitively, as Windows and macOS compare): 小明, 小明 (2), 小明 (3)… */
export function uniqueNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    let candidate = n;
    for (let k = 2; used.has(candidate.toLowerCase()); k++) candidate = `${n} (${k})`;
    used.add(candidate.toLowerCase());
    return candidate;
  });
}
