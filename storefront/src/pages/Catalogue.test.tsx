import { MockedProvider, type MockedResponse } from "@apollo/client/testing";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { createCache } from "../apollo/cache";
import { CatalogueCategoriesDocument, CatalogueProductsDocument } from "../gql/graphql";
import { Catalogue, PAGE_SIZE } from "./Catalogue";

const product = (n: number) => ({
  __typename: "Product", id: `p${n}`, name: `Product ${n}`, category: "Books", stock: n % 2,
  price: { __typename: "Money", amount: 1250, currency: "USD" },
});

function answer(after: string | null, numbers: number[], hasNextPage: boolean): MockedResponse {
  const variables = { first: PAGE_SIZE, search: null, category: null, sort: "NAME_ASC",
                      ...(after ? { after } : {}) };
  return {
    request: { query: CatalogueProductsDocument, variables },
    result: { data: { products: {
      __typename: "ProductConnection", totalCount: 3,
      edges: numbers.map((n) => ({ __typename: "ProductEdge", cursor: `c${n}`, node: product(n) })),
      pageInfo: { __typename: "PageInfo", hasNextPage, endCursor: `c${numbers.at(-1)}` },
    } } },
  };
}

function categories(names: string[]): MockedResponse {
  return { request: { query: CatalogueCategoriesDocument }, result: { data: { categories: names } } };
}

function renderCatalogue(mocks: MockedResponse[], categoryNames = ["Books", "Garden"]) {
  return render(
    <MockedProvider mocks={[categories(categoryNames), ...mocks]} cache={createCache()}>
      <MemoryRouter future={{ v7_startTransition: true, v7_relativeSplatPath: true }}><Catalogue /></MemoryRouter>
    </MockedProvider>,
  );
}

describe("the catalogue", () => {
  it("lists a page of products with price and stock, then the next page on Load more", async () => {
    renderCatalogue([answer(null, [1, 2], true), answer("c2", [3], false)]);
    const list = await screen.findByRole("list", { name: "Products" });
    expect(await within(list).findAllByRole("listitem")).toHaveLength(2);
    expect(list.textContent).toContain("$12.50");
    expect(list.textContent).toContain("Out of stock");
    fireEvent.click(screen.getByRole("button", { name: "Load more" }));
    await screen.findByText("Product 3");
    expect(within(list).getAllByRole("listitem")).toHaveLength(3);
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
  });

  it("labels every filter control and disables adding what is out of stock", async () => {
    renderCatalogue([answer(null, [1, 2], false)]);
    expect(screen.getByLabelText("Search products")).toBeTruthy();
    expect(screen.getByLabelText("Category")).toBeTruthy();
    expect(screen.getByLabelText("Sort by")).toBeTruthy();
    await screen.findByText("Product 2");
    const out = screen.getByRole("button", { name: "Add Product 2 to cart" }) as HTMLButtonElement;
    const inStock = screen.getByRole("button", { name: "Add Product 1 to cart" }) as HTMLButtonElement;
    expect([out.disabled, inStock.disabled]).toEqual([true, false]);
  });

  it("offers the categories the catalogue reports, not a fixed list", async () => {
    renderCatalogue([answer(null, [1], false)], ["Garden", "Tools"]);
    const select = screen.getByLabelText("Category") as HTMLSelectElement;
    await within(select).findByRole("option", { name: "Tools" });
    expect(Array.from(select.options).map((o) => o.textContent)).toEqual(
      ["All categories", "Garden", "Tools"]);
  });
});
