import type { QuickJSWASMModule } from 'quickjs-emscripten-core';

/**
 * The hard memory cap of a sandbox worker: QuickJS runs in a WebAssembly.Memory that this module
 * creates with a `maximum`, so no allocation form inside the guest (objects, strings, arrays, typed
 * arrays, ArrayBuffers) can take the worker past it; a growth beyond it fails inside the interpreter as
 * "out of memory". QuickJS's own `setMemoryLimit` is kept but is no cap: in this WebAssembly build it
 * counts a fixed overhead per allocation instead of its size, so many large allocations pass it.
 */

const MiB = 1024 * 1024;

/** The part of WebAssembly.Memory used here (Node's types for Node 20 do not declare WebAssembly). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
const WasmMemoryClass = (globalThis as unknown as { WebAssembly: { Memory: new (limits: { initial: number; maximum: number }) => WasmMemory } })
  .WebAssembly.Memory;
const PAGE = 64 * 1024;

/**
 * What the module needs besides the guest's heap: the interpreter's static data and its C stack (about
 * 5.5 MiB, measured: a guest in a 32 MiB memory gets about 26.5 MiB) plus room for the runtime, the
 * prelude and the host's copies of the task's input. Added to SANDBOX_MEMORY_LIMIT to make the cap.
 */
export const WASM_OVERHEAD_BYTES = 8 * MiB;

/** The WebAssembly module declares 256 pages as its smallest memory: no cap can be below it. */
export const WASM_INITIAL_BYTES = 16 * MiB;

/** The most a worker's WebAssembly memory can ever hold, in bytes (whole 64 KiB pages). */
export function wasmMemoryCap(memoryLimitBytes: number): number {
  const wanted = Math.max(WASM_INITIAL_BYTES, memoryLimitBytes + WASM_OVERHEAD_BYTES);
  return Math.ceil(wanted / PAGE) * PAGE;
}

/**
 * A worker whose memory grew beyond this after a call is replaced (its memory returns to the OS):
 * WebAssembly memory never shrinks, so a worker kept after a large call would hold that much while idle.
 * Half the limit above the start size keeps workers that ran ordinary tools.
 */
export function retainedMemoryLimit(memoryLimitBytes: number): number {
  return Math.min(wasmMemoryCap(memoryLimitBytes), WASM_INITIAL_BYTES + Math.ceil(memoryLimitBytes / 2));
}

/** A host-side allocation inside the guest's memory (a string handed to the guest) found no room. */
export class HostAllocationError extends Error {
  constructor(bytes: number) {
    super(`no room for ${bytes} bytes in the sandbox's memory`);
    this.name = 'HostAllocationError';
  }
}

export interface SandboxMemory {
  memory: WasmMemory;
  capBytes: number;
  /** Growths refused so far (each is an allocation that hit the cap). */
  refusals(): number;
}

/** The capped memory one worker's QuickJS module is instantiated with. */
export function createSandboxMemory(memoryLimitBytes: number): SandboxMemory {
  const capBytes = wasmMemoryCap(memoryLimitBytes);
  const memory = new WasmMemoryClass({ initial: WASM_INITIAL_BYTES / PAGE, maximum: capBytes / PAGE });
  let refused = 0;
  // Emscripten grows the memory through this object's `grow`; counting refusals lets the task tell a
  // guest that hit the cap from one that failed for another reason.
  const grow = memory.grow.bind(memory);
  Object.defineProperty(memory, 'grow', {
    value: (pages: number) => {
      try {
        return grow(pages);
      } catch (error) {
        refused += 1;
        throw error;
      }
    },
  });
  return {
    memory,
    capBytes,
    refusals: () => refused,
  };
}

interface EmscriptenAllocator {
  _malloc(bytes: number): number;
}

/**
 * quickjs-emscripten writes host strings into the guest's memory at the address `_malloc` returns
 * without checking it; at the cap that address is 0, and the write would overwrite the interpreter's
 * static data. This makes such an allocation throw HostAllocationError instead (nothing is written).
 * Only host-side allocations go through this JavaScript export; the interpreter's own calls stay inside
 * WebAssembly and fail as "out of memory" there. (`module` is the library's Emscripten module object,
 * not part of its typed API; quickjs-emscripten-core is pinned, and the sandbox tests cover this.)
 */
export function guardHostAllocations(quickjs: QuickJSWASMModule): void {
  const module = (quickjs as unknown as { module: EmscriptenAllocator }).module;
  const malloc = module._malloc.bind(module);
  module._malloc = (bytes: number) => {
    const pointer = malloc(bytes);
    if (pointer === 0 && bytes > 0) throw new HostAllocationError(bytes);
    return pointer;
  };
}
