import { useCallback, type MouseEvent } from 'react';
import { useNavigate } from './use-route';

/**
 * Props for an in-app link: a real href (so it can open in a new tab, be copied, be read by screen
 * readers as a link) and a click that navigates without reloading.
 */
export function useLinkTo() {
  const navigate = useNavigate();
  return useCallback(
    (path: string) => ({
      href: path,
      onClick: (event: MouseEvent<HTMLAnchorElement>) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(path);
      },
    }),
    [navigate],
  );
}
