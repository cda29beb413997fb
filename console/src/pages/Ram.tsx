export default function RamPage() {
  return <p>Ram</p>;
}
