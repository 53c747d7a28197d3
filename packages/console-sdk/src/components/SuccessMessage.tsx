/** What an admin's last change did, announced politely to screen readers; the region stays so the announcement is heard. */
export function SuccessMessage({ message }: { message: string | null | undefined }) {
  return (
    <div aria-live="polite">
      {message && (
        <div className="alert alert-success" role="status">
          <p>{message}</p>
        </div>
      )}
    </div>
  );
}
