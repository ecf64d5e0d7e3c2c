import { Link } from '../components/Link';

/** Pages whose server side is not there yet. */
export function PlaceholderPage({ title, text }: { title: string; text: string }) {
  return (
    <>
      <h1>{title}</h1>
      <p class="muted">{text}</p>
      <p><Link href="/explore">Open Explore</Link> to query any metric meanwhile.</p>
    </>
  );
}
