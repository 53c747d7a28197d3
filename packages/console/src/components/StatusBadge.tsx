export function StatusBadge({ status }: { status: 'active' | 'inactive' }) {
  return <span className={`badge badge-${status}`}>{status === 'active' ? 'Active' : 'Inactive'}</span>;
}
