import { nodeIconUrl } from '../api/catalogue';

/** A plain puzzle-piece tile, for nodes the server has no icon for (types it does not run). */
export const GENERIC_ICON =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#868e96"/><path d="M9 11h5a2.5 2.5 0 1 1 4 0h5v5a2.5 2.5 0 1 0 0 4v5H9z" fill="#fff"/></svg>',
  );

/** A node's icon from the server, falling back to the generic tile when there is none. */
export function NodeIcon({ name, size, lazy }: { name: string; size: number; lazy?: boolean }) {
  return (
    <img
      src={nodeIconUrl(name)}
      alt=""
      width={size}
      height={size}
      {...(lazy ? { loading: 'lazy' as const } : {})}
      onError={(e) => {
        if (e.currentTarget.src !== GENERIC_ICON) e.currentTarget.src = GENERIC_ICON;
      }}
    />
  );
}
