import { selectUnacknowledgedCount } from '../store/selectors.ts';
import { useStore } from '../store/store.ts';
import '../styles/alerts.css';

/** The number of active alerts nobody acknowledged yet, next to a nav link; nothing when there are none. */
export function AlertsBadge() {
  const count = useStore(selectUnacknowledgedCount);
  if (count === 0) return null;
  return (
    <span className="nav-badge" data-count={count}>
      <span aria-hidden="true">{count}</span>
      <span className="visually-hidden">
        , {count} active alert{count === 1 ? '' : 's'}
      </span>
    </span>
  );
}
