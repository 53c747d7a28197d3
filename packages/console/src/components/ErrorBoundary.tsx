import { Component, type ReactNode } from 'react';

/** A bug in a page shows what happened and a way out, never a blank screen. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <main className="centered">
        <div className="card">
          <h1>Something went wrong</h1>
          <div className="alert alert-error" role="alert">
            <p>{this.state.error.message}</p>
          </div>
          <p>
            <button type="button" className="button" onClick={() => window.location.reload()}>
              Reload the page
            </button>
          </p>
        </div>
      </main>
    );
  }
}
