/** Newest first by `updatedDate` (ISO strings or anything Date parses); ties keep their order. */
export function newestFirst<T extends { updatedDate: string }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => Date.parse(b.updatedDate) - Date.parse(a.updatedDate));
}
