import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { formatMoney } from "./Money";
import { StatusBadge } from "./StatusBadge";

describe("statuses and money", () => {
  it("spells a status in words with a tone class, never by colour alone", () => {
    render(<StatusBadge status="PAYMENT_FAILED" testId="s" />);
    const badge = screen.getByTestId("s");
    expect(badge.textContent).toBe("PAYMENT FAILED");
    expect(badge.className).toContain("badge-bad");
  });

  it("formats integer cents in the currency", () => {
    expect(formatMoney(12999, "USD", "en-US")).toBe("$129.99");
    expect(formatMoney(5, "EUR", "en-US")).toBe("€0.05");
  });
});
