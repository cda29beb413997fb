// Placeholder until the API Explorer lands (issue 13, part B replaces this file).
export default function ExplorerPage() {
  return <p>The API Explorer is not part of this build yet.</p>;
}
