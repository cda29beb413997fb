export default function BillingPage() {
  return <p>Billing</p>;
}
