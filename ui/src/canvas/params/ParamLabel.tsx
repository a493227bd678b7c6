import type { NodeParam } from '../../flow/types';

/**
 * A param's label text. Required params get a red `*` drawn by CSS with empty alternative text
 * (`content: " *" / ""`), so the field's accessible name stays exactly the label.
 */
export function ParamLabel({ param }: { param: NodeParam }) {
  return <span className={param.optional ? undefined : 'required'}>{param.label || param.name}</span>;
}
