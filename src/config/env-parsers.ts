import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseHostRules } from '../security/host-rules.js';

/**
 * Small zod building blocks for environment variables. Every variable arrives as a string (or not at
 * all); compose files pass unset variables as "", so an empty string always means "not set".
 */

const unsetToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

export const optionalString = () => z.preprocess(unsetToUndefined, z.string().optional());

export const stringWithDefault = (fallback: string) =>
  z.preprocess(unsetToUndefined, z.string().min(1).default(fallback));

export const integer = (fallback: number, opts: { min?: number; max?: number } = {}) => {
  let schema = z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number');
  if (opts.min !== undefined) schema = schema.min(opts.min, `must be at least ${opts.min}`);
  if (opts.max !== undefined) schema = schema.max(opts.max, `must be at most ${opts.max}`);
  return z.preprocess(unsetToUndefined, schema.default(fallback));
};

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

export const boolean = (fallback: boolean) =>
  z.preprocess(
    unsetToUndefined,
    z
      .union([z.boolean(), z.string()])
      .transform((value, ctx) => {
        if (typeof value === 'boolean') return value;
        const word = value.trim().toLowerCase();
        if (TRUE_WORDS.has(word)) return true;
        if (FALSE_WORDS.has(word)) return false;
        ctx.addIssue({ code: 'custom', message: 'must be true or false' });
        return z.NEVER;
      })
      .default(fallback),
  );

export const oneOf = <T extends string>(values: readonly [T, ...T[]], fallback: T) =>
  z.preprocess(
    (v) => (typeof unsetToUndefined(v) === 'string' ? (v as string).trim().toLowerCase() : undefined),
    z.enum(values, { error: `must be one of: ${values.join(', ')}` }).default(fallback),
  );

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Parses `50mb`, `512kb`, `1.5gb` or a plain number of bytes. */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = SIZE_UNITS[(match[2] ?? 'b').toLowerCase()] ?? 1;
  const bytes = Math.floor(Number(match[1]) * unit);
  return bytes > 0 ? bytes : undefined;
}

export const byteSize = (fallback: string, bounds: { min?: string; max?: string } = {}) =>
  z.preprocess(
    unsetToUndefined,
    z
      .string()
      .default(fallback)
      .transform((value, ctx) => {
        const bytes = parseByteSize(value);
        if (bytes === undefined) {
          ctx.addIssue({ code: 'custom', message: 'must be a size such as 50mb, 512kb or a number of bytes' });
          return z.NEVER;
        }
        if (bounds.min !== undefined && bytes < parseByteSize(bounds.min)!) {
          ctx.addIssue({ code: 'custom', message: `must be at least ${bounds.min}` });
          return z.NEVER;
        }
        if (bounds.max !== undefined && bytes > parseByteSize(bounds.max)!) {
          ctx.addIssue({ code: 'custom', message: `must be at most ${bounds.max}` });
          return z.NEVER;
        }
        return bytes;
      }),
  );

/** A directory; `~` expands to the home directory and relative paths resolve against `cwd`. */
export const directory = (fallback: string, cwd: string) =>
  stringWithDefault(fallback).transform((value) => {
    const expanded = value === '~' || value.startsWith('~/') ? path.join(os.homedir(), value.slice(1)) : value;
    return path.resolve(cwd, expanded);
  });

/** Comma-separated words (empty entries dropped); each must match `pattern`. */
export const nameList = (pattern: RegExp, what: string) =>
  z.preprocess(
    unsetToUndefined,
    z
      .string()
      .default('')
      .transform((value, ctx) => {
        const names = value.split(',').map((n) => n.trim()).filter((n) => n !== '');
        const bad = names.filter((n) => !pattern.test(n));
        if (bad.length > 0) {
          ctx.addIssue({ code: 'custom', message: `${bad.map((n) => `"${n}"`).join(', ')} ${bad.length === 1 ? 'is not' : 'are not'} ${what}` });
          return z.NEVER;
        }
        return [...new Set(names)];
      }),
  );

/** Comma-separated outbound host rules (IP, CIDR or host name; security/host-rules.ts). */
export const hostRuleList = () =>
  z.preprocess(
    unsetToUndefined,
    z
      .string()
      .default('')
      .transform((value, ctx) => {
        try {
          return parseHostRules(value).map((rule) => rule.text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      }),
  );

/** An http(s) base URL with a default; a trailing slash is dropped so callers can append paths. */
export const baseUrl = (fallback: string) =>
  z.preprocess(
    unsetToUndefined,
    z
      .string()
      .refine((value) => /^https?:\/\/[^\s]+$/.test(value.trim()), 'must be an http:// or https:// URL')
      .transform((value) => value.trim().replace(/\/+$/, ''))
      .default(fallback),
  );
