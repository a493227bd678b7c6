import type { RunContext } from '../nodes/node-definition.js';
import { type DocumentExtractor, TextBudget, inThreadExtractor } from './document-extractor.js';

/**
 * Per-run state of document extraction, kept beside the run (keyed by its RunContext, which lives as
 * long as the run): the text budget every loader of the run draws from (UPLOAD_MAX_REQUEST_TEXT_SIZE
 * per request, an upsert being one request), and the files that gave no text, so an upsert that ends
 * with no documents can say which file was empty and why.
 */
const budgets = new WeakMap<RunContext, TextBudget>();
const emptyFiles = new WeakMap<RunContext, string[]>();
const fallback = new WeakMap<RunContext, DocumentExtractor>();

/** The run's extractor: the process's worker pool, or parsing in this thread where there is none. */
export function extractorOf(run: RunContext): DocumentExtractor {
  const given = run.services.extractor;
  if (given) return given;
  let local = fallback.get(run);
  if (!local) fallback.set(run, (local = inThreadExtractor()));
  return local;
}

/** The run's text budget (created on first use with the extractor's limits). */
export function textBudgetOf(run: RunContext): TextBudget {
  let budget = budgets.get(run);
  if (!budget) budgets.set(run, (budget = new TextBudget(extractorOf(run).limits)));
  return budget;
}

/** Records that a file gave no text, with the reason (`a.txt is empty`, `scan.pdf has no text layer`). */
export function noteEmptyFile(run: RunContext, note: string): void {
  const notes = emptyFiles.get(run) ?? [];
  notes.push(note);
  emptyFiles.set(run, notes);
}

/** The notes of files that gave no text in this run, in the order they were read. */
export const emptyFileNotes = (run: RunContext): readonly string[] => emptyFiles.get(run) ?? [];
