import { Component, type ErrorInfo, type ReactNode } from 'react';

type Props = { readonly children: ReactNode; readonly onRetry: () => Promise<void>; readonly resetKey: string };
type State = { readonly error: Error | null };

/**
 * Catches a failed render (a live query whose database was closed, a bug) and offers a way back,
 * so the user never sees a white screen. Nothing stored is touched.
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('Screen failed to render', error, info.componentStack);
  }

  override componentDidUpdate(previous: Props) {
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  private readonly retry = () => {
    void this.props.onRetry().finally(() => this.setState({ error: null }));
  };

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="screen error-screen" role="alert">
        <h1>Something went wrong on this screen</h1>
        <p>Your data is safe on this device. {this.state.error.name === 'DatabaseClosedError' ? 'The browser closed the local database; trying again reopens it.' : 'Try again, or reload the app.'}</p>
        <p className="subtle">
          <code>{this.state.error.message}</code>
        </p>
        <div className="form__actions form__actions--start">
          <button type="button" className="button button--primary" onClick={this.retry}>
            Try again
          </button>
          <button type="button" className="button" onClick={() => window.location.reload()}>
            Reload
          </button>
        </div>
      </div>
    );
  }
}
