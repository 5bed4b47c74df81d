import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { createServices } from './app/create-services';
import { StartupFailure } from './app/startup-failure';
import './ui/styles.css';

const root = createRoot(document.getElementById('root') as HTMLElement);

async function start() {
  try {
    const services = await createServices(window);
    // Development and benchmark builds expose the services for the dev tools, screenshots and benchmarks.
    if (services.devTools === 'editable') Object.assign(window, { __fieldbook: services });
    root.render(
      <StrictMode>
        <App services={services} />
      </StrictMode>,
    );
  } catch (error) {
    root.render(<StartupFailure error={error} onRetry={() => void start()} />);
  }
}

void start();
