import type { ReactNode } from 'react';

/** A message for the user when something failed (announced by screen readers). */
export function ErrorText({ error }: { error: string }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error}
    </p>
  );
}

/** The head of a list table; the last column holds each row's actions. */
export function ListHead({ columns }: { columns: string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c}>{c}</th>
        ))}
        <th>
          <span className="sr-only">Actions</span>
        </th>
      </tr>
    </thead>
  );
}

/** The actions cell of a row: Edit, any extra buttons, then Delete, each named after the row for screen readers. */
export function RowActions({ name, onEdit, onDelete, children }: { name: string; onEdit: () => void; onDelete: () => void; children?: ReactNode }) {
  return (
    <td className="row-actions">
      <button type="button" aria-label={`Edit ${name}`} onClick={onEdit}>
        Edit
      </button>
      {children}
      <button type="button" className="danger" aria-label={`Delete ${name}`} onClick={onDelete}>
        Delete
      </button>
    </td>
  );
}
