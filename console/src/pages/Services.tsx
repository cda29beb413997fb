export default function ServicesPage() {
  return <p>Services</p>;
}
