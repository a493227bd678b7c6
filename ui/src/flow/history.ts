/**
 * Undo/redo as a stack of snapshots (the canvas's `{nodes, edges}`). Callers record the state *before*
 * a change. Consecutive records with the same `group` key (keystrokes in one field, one drag) collapse
 * into one step; any other record, an undo or a redo ends the group.
 */
export class History<T> {
  private past: T[] = [];
  private future: T[] = [];
  private group: string | undefined;

  constructor(private readonly limit = 100) {}

  record(before: T, group?: string): void {
    if (group !== undefined && group === this.group) return;
    this.group = group;
    this.past.push(before);
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
  }

  /** The state to show after undoing, given the current one; undefined when there is nothing to undo. */
  undo(current: T): T | undefined {
    const previous = this.past.pop();
    if (previous === undefined) return undefined;
    this.group = undefined;
    this.future.push(current);
    return previous;
  }

  redo(current: T): T | undefined {
    const next = this.future.pop();
    if (next === undefined) return undefined;
    this.group = undefined;
    this.past.push(current);
    return next;
  }

  /** Ends the current group, so the next record is a step of its own. */
  seal(): void {
    this.group = undefined;
  }

  clear(): void {
    this.past = [];
    this.future = [];
    this.group = undefined;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }
}
