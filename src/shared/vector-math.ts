/**
 * The exact-search kernel every vector store here shares (SQLite, PostgreSQL without pgvector, the
 * in-memory store): vectors are stored as little-endian float32, scaled to unit length, so cosine
 * similarity is a dot product.
 */

/** `vector` scaled to unit length, as float32 (a zero vector stays zero). */
export function unitVector(vector: ArrayLike<number>): Float32Array {
  const out = new Float32Array(vector.length);
  let sum = 0;
  for (let i = 0; i < vector.length; i += 1) sum += vector[i]! * vector[i]!;
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let i = 0; i < vector.length; i += 1) out[i] = vector[i]! * scale;
  return out;
}

/** A float32 vector as the bytes stored in a BLOB/bytea column (little-endian, 4 bytes a value). */
export function vectorToBytes(vector: Float32Array): Buffer {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i += 1) bytes.writeFloatLE(vector[i]!, i * 4);
  return bytes;
}

/** The stored bytes as a float32 view (copied when the buffer is not 4-byte aligned). */
export function bytesToVector(bytes: Uint8Array): Float32Array {
  if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/** Dot product; the vectors must have the same length (unit vectors: cosine similarity). */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += a[i]! * b[i]!;
  return sum;
}

/** Keeps the `k` best-scored items seen so far (a small sorted array; k is a handful). */
export class TopK<T> {
  private readonly items: Array<{ score: number; item: T }> = [];

  constructor(private readonly k: number) {}

  /** The score an item must beat to enter (−∞ until k items are held). */
  get threshold(): number {
    return this.items.length < this.k ? Number.NEGATIVE_INFINITY : this.items[this.items.length - 1]!.score;
  }

  offer(score: number, item: T): void {
    if (this.k <= 0 || score <= this.threshold) return;
    let at = this.items.length;
    while (at > 0 && this.items[at - 1]!.score < score) at -= 1;
    this.items.splice(at, 0, { score, item });
    if (this.items.length > this.k) this.items.pop();
  }

  /** Best first. */
  result(): Array<{ score: number; item: T }> {
    return [...this.items];
  }
}
