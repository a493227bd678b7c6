/** JSON-in-text columns: written with JSON.stringify, read back parsed (a broken value reads as text). */

export function toJsonColumn(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function fromJsonColumn(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export const toFlag = (value: boolean | null | undefined): number | null =>
  value === undefined || value === null ? null : value ? 1 : 0;

export const fromFlag = (value: number | null): boolean | null => (value === null ? null : value !== 0);

export const nowIso = (): string => new Date().toISOString();
