/**
 * The rules, health and settings pages: loaded on demand, so the first load
 * carries none of their code (nor uPlot, which the health page shares with
 * the device page).
 */
import { lazy, Suspense } from 'react';
import type { Route } from './lib/router.ts';

const RulesPage = lazy(() => import('./pages/RulesPage.tsx'));
const RulePage = lazy(() => import('./pages/RulePage.tsx'));
const RuleEditPage = lazy(() => import('./pages/RuleEditPage.tsx'));
const HealthPage = lazy(() => import('./pages/HealthPage.tsx'));
const SettingsPage = lazy(() => import('./pages/SettingsPage.tsx'));

export type LazyRoute = Extract<
  Route,
  { page: 'rules' | 'rule_new' | 'rule' | 'rule_edit' | 'health' | 'settings' }
>;

const LAZY_PAGES: ReadonlySet<string> = new Set([
  'rules',
  'rule_new',
  'rule',
  'rule_edit',
  'health',
  'settings',
]);

export const isLazyRoute = (route: Route): route is LazyRoute => LAZY_PAGES.has(route.page);

function page(route: LazyRoute) {
  switch (route.page) {
    case 'rules':
      return <RulesPage />;
    case 'rule_new':
      return <RuleEditPage id={null} />;
    case 'rule':
      return <RulePage key={route.id} id={route.id} />;
    case 'rule_edit':
      return <RuleEditPage key={route.id} id={route.id} />;
    case 'health':
      return <HealthPage />;
    case 'settings':
      return <SettingsPage />;
  }
}

/** One of the pages above, with a loading line while its code arrives. */
export function LazyRoutePage({ route }: { route: LazyRoute }) {
  return <Suspense fallback={<p className="state-message">Loading…</p>}>{page(route)}</Suspense>;
}
