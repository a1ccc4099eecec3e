// React is bundled only for the GraphiQL page and @types/react is not installed: declare the little we call.
declare module 'react' {
  export function createElement(type: unknown, props?: Record<string, unknown> | null, ...children: unknown[]): unknown
  export function useMemo<T>(factory: () => T, deps: unknown[]): T
  export function useState<T>(initial: T | (() => T)): [T, (next: T) => void]
  const React: { createElement: typeof createElement }
  export default React
}
declare module 'react-dom/client' {
  export function createRoot(el: Element): { render(node: unknown): void }
}
