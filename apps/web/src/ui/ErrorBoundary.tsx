import { Component } from "react";
import type { ErrorInfo, ReactNode } from "react";

type State = { error: Error | null };

/** A rendering bug shows a message and a way out instead of a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidUpdate(prev: { resetKey?: string }): void {
    if (this.state.error && prev.resetKey !== this.props.resetKey) this.setState({ error: null });
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error("dashboard render error", error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="panel panel--error" role="alert">
        <h1>This view hit a bug</h1>
        <p>{this.state.error.message}</p>
        <p>
          <a href="/">Back to the board</a> ·{" "}
          <button type="button" className="btn" onClick={() => window.location.reload()}>
            Reload
          </button>
        </p>
      </div>
    );
  }
}
