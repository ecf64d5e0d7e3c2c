import { useEffect } from 'preact/hooks';

/**
 * While `dirty`: the browser asks before leaving the page (reload, close), and an in-app link
 * click asks for confirmation first (the click is stopped when the user stays).
 */
export function useUnsavedGuard(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return;
    const beforeUnload = (e: BeforeUnloadEvent): void => {
      e.preventDefault();
      e.returnValue = '';
    };
    const click = (e: MouseEvent): void => {
      const a = e.target instanceof Element ? e.target.closest('a[href]') : null;
      if (a === null || a.hasAttribute('download')) return;
      if (!window.confirm('You have unsaved changes on this dashboard. Leave anyway?')) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener('beforeunload', beforeUnload);
    document.addEventListener('click', click, true);
    return () => {
      window.removeEventListener('beforeunload', beforeUnload);
      document.removeEventListener('click', click, true);
    };
  }, [dirty]);
}
