import { createServer } from 'node:net';
import { preview, type PreviewServer } from 'vite';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** `vite preview` of a built directory: the real service worker and precache, as users get them. */
export async function startPreview(outDir: string, port: number): Promise<{ url: string; server: PreviewServer }> {
  const server = await preview({
    root: process.cwd(),
    logLevel: 'silent',
    build: { outDir },
    preview: { port, strictPort: true, host: '127.0.0.1' },
  });
  return { url: `http://127.0.0.1:${port}`, server };
}
