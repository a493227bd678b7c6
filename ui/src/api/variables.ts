import { api } from './client';

/** A stored variable (`/api/v1/variables`): `static` holds its value; `runtime` reads the environment variable of its name. */
export interface Variable {
  id: string;
  name: string;
  value: string | null;
  type: 'static' | 'runtime';
  createdDate: string;
  updatedDate: string;
}

export type VariableFields = Pick<Variable, 'name' | 'value' | 'type'>;

export const listVariables = () => api<Variable[]>('GET', '/variables');
export const saveVariable = (fields: VariableFields, id?: string) =>
  id ? api<Variable>('PUT', `/variables/${id}`, fields) : api<Variable>('POST', '/variables', fields);
export const deleteVariable = (id: string) => api('DELETE', `/variables/${id}`);
