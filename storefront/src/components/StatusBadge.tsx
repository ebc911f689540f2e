// An order or payment status as text plus colour (never colour alone), announced when it changes.

const TONE: Record<string, string> = {
  PENDING: "wait", PAID: "good", SUCCEEDED: "good", SHIPPED: "good", DELIVERED: "good",
  PAYMENT_FAILED: "bad", FAILED: "bad", CANCELLED: "bad", REFUNDED: "wait",
};

export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <strong className={`badge badge-${TONE[status] ?? "wait"}`} data-testid={testId}>
      {status.replace(/_/g, " ")}
    </strong>
  );
}
