import type { Tiktoken } from 'js-tiktoken/lite';

/**
 * tiktoken encoders built from the ranks js-tiktoken ships as modules: LangChain's `getEncoding`
 * downloads them from the internet at run time, which an offline server cannot do. `r50k_base` and
 * `gpt2` share one rank table (as in tiktoken); each table is loaded once, on first use.
 */
const loaders: Record<string, () => Promise<{ default: ConstructorParameters<typeof Tiktoken>[0] }>> = {
  gpt2: () => import('js-tiktoken/ranks/gpt2'),
  r50k_base: () => import('js-tiktoken/ranks/r50k_base'),
  p50k_base: () => import('js-tiktoken/ranks/p50k_base'),
  p50k_edit: () => import('js-tiktoken/ranks/p50k_edit'),
  cl100k_base: () => import('js-tiktoken/ranks/cl100k_base'),
};

const encoders = new Map<string, Promise<Tiktoken>>();

export function offlineTokenizer(encoding: keyof typeof loaders | string): Promise<Tiktoken> {
  const load = loaders[encoding];
  if (!load) return Promise.reject(new Error(`unknown tiktoken encoding ${encoding}`));
  let encoder = encoders.get(encoding);
  if (!encoder) {
    encoder = (async () => {
      const { Tiktoken: Encoder } = await import('js-tiktoken/lite');
      return new Encoder((await load()).default);
    })();
    encoders.set(encoding, encoder);
  }
  return encoder;
}
