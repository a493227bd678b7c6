import { Tool } from '@langchain/core/tools';
import MexpModule from 'math-expression-evaluator';

// The package is CommonJS (`module.exports = Mexp`) but its types declare an ES default export: under
// NodeNext the default import is the class at run time and the module namespace to the type checker.
type MexpClass = typeof MexpModule.default;
const Mexp = ((MexpModule as unknown as { default?: MexpClass }).default ?? (MexpModule as unknown as MexpClass)) as MexpClass;

/** Flowise's (LangChain's) answer when an expression cannot be evaluated. */
export const CALCULATOR_FAILURE = "I don't know how to do that.";

/**
 * LangChain's calculator tool, on math-expression-evaluator (an expression parser, never `eval`):
 * named `calculator`, one string input (bound as `{input: string}`), the result as a string.
 */
export class Calculator extends Tool {
  static override lc_name() {
    return 'Calculator';
  }

  override name = 'calculator';

  override description = 'Evaluates an arithmetic expression and returns the number. Input: one expression such as (2 + 3) * 4 or 2^10.';

  private readonly evaluator = new Mexp();

  async _call(input: string): Promise<string> {
    try {
      const result = this.evaluator.eval(input, [], {});
      return typeof result === 'number' && Number.isFinite(result) ? String(result) : CALCULATOR_FAILURE;
    } catch {
      return CALCULATOR_FAILURE;
    }
  }
}
