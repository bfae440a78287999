/** A very small history router: the server answers every /admin/... path with index.html. */
import { useEffect, useState } from 'react';

export const BASE = '/admin';

function current(): string {
  const p = window.location.pathname;
  const rest = p.startsWith(BASE) ? p.slice(BASE.length) : p;
  return rest === '' ? '/' : rest;
}

export function navigate(to: string): void {
  const target = `${BASE}${to}`;
  if (window.location.pathname + window.location.search !== target) window.history.pushState(null, '', target);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): string {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const on = () => {
      setRoute(current());
      window.scrollTo(0, 0);
    };
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return route;
}
