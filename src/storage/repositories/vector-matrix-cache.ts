import { TopK } from '../../shared/vector-math.js';

/** A collection's vectors in one contiguous float32 matrix, row i belonging to `ids[i]`. */
export interface VectorMatrix {
  ids: string[];
  matrix: Float32Array;
  dims: number;
}

interface Entry extends VectorMatrix {
  version: number;
}

/**
 * Collections' vectors held in this process between searches (nodes-rag §3.3's exact kernel, without
 * reading every BLOB again): reading 10k vectors of 1536 dimensions out of the database costs far more
 * than scoring them. An entry is valid for one collection version; a write anywhere bumps the version
 * and the next search here reloads. Bounded by `capacityBytes`, least recently used out first;
 * a collection larger than that is scanned in the database instead.
 */
export class VectorMatrixCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(readonly capacityBytes: number) {}

  fits(rows: number, dims: number): boolean {
    return rows * dims * 4 <= this.capacityBytes;
  }

  get(collectionId: string, version: number): VectorMatrix | undefined {
    const entry = this.entries.get(collectionId);
    if (!entry || entry.version !== version) return undefined;
    this.entries.delete(collectionId);
    this.entries.set(collectionId, entry);
    return entry;
  }

  put(collectionId: string, version: number, value: VectorMatrix): void {
    this.drop(collectionId);
    const size = value.matrix.byteLength;
    while (this.bytes + size > this.capacityBytes && this.entries.size > 0) this.drop(this.entries.keys().next().value as string);
    this.entries.set(collectionId, { ...value, version });
    this.bytes += size;
  }

  private drop(collectionId: string): void {
    const entry = this.entries.get(collectionId);
    if (!entry) return;
    this.entries.delete(collectionId);
    this.bytes -= entry.matrix.byteLength;
  }
}

/** The `k` best rows of a matrix for a unit query: their ids and cosine scores, best first. */
export function topRows(held: VectorMatrix, query: Float32Array, k: number): Array<{ id: string; score: number }> {
  const best = new TopK<string>(k);
  const { matrix, dims, ids } = held;
  for (let row = 0, base = 0; row < ids.length; row += 1, base += dims) {
    let score = 0;
    for (let i = 0; i < dims; i += 1) score += query[i]! * matrix[base + i]!;
    if (score > best.threshold) best.offer(score, ids[row]!);
  }
  return best.result().map(({ score, item }) => ({ id: item, score }));
}
