import type { SearchResult } from '../../../../shared/contract/index';

/** A search snippet: stored text is only ever a text node; matches are <mark> elements around text nodes. */
export function Snippet({ segments }: { segments: SearchResult['hits'][number]['snippet'] }) {
  return (
    <span className="snippet">
      {segments.map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
    </span>
  );
}
