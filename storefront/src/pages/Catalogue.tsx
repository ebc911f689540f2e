// The catalogue: search, category, sort, and infinite scroll over the products connection.
import { NetworkStatus, useQuery } from "@apollo/client";
import { useEffect, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { AddToCart } from "../components/AddToCart";
import { Money } from "../components/Money";
import { CatalogueCategoriesDocument, CatalogueProductsDocument, type ProductSort } from "../gql/graphql";

export const PAGE_SIZE = 12;
export const FIRST_RENDER = "catalogue:first-render";
const SORTS: [ProductSort, string][] = [["NAME_ASC", "Name, A to Z"], ["NAME_DESC", "Name, Z to A"],
  ["PRICE_ASC", "Price, low to high"], ["PRICE_DESC", "Price, high to low"], ["NEWEST", "Newest"]];

/** `value` once it has stopped changing for `ms` (a search per pause, not per key). */
function useSettled<T>(value: T, ms = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function Catalogue() {
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get("q") ?? "");
  const search = useSettled(text.trim());
  const category = params.get("category") ?? "";
  const sort = (params.get("sort") ?? "NAME_ASC") as ProductSort;
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value); else next.delete(key);
    setParams(next, { replace: true });
  };
  useEffect(() => { if ((params.get("q") ?? "") !== search) set("q", search); });
  const { data, error, fetchMore, networkStatus } = useQuery(CatalogueProductsDocument, {
    variables: { first: PAGE_SIZE, search: search || null, category: category || null, sort },
    notifyOnNetworkStatusChange: true,
  });
  // The categories come from the catalogue itself; until they arrive (or if they cannot) the
  // filter offers "All categories" and the one in the address, so a shared link still works.
  const categories = useQuery(CatalogueCategoriesDocument).data?.categories ?? [];
  const choices = category && !categories.includes(category) ? [category, ...categories] : categories;
  const connection = data?.products;
  useEffect(() => {
    // Measured by the browser test (first render of the catalogue after navigation start).
    if (connection && !performance.getEntriesByName(FIRST_RENDER).length) performance.mark(FIRST_RENDER);
  }, [connection]);
  const more = () => connection?.pageInfo.hasNextPage && networkStatus !== NetworkStatus.fetchMore
    ? fetchMore({ variables: { after: connection.pageInfo.endCursor } }) : undefined;
  const sentinel = useInfiniteScroll(more);
  return (
    <section aria-labelledby="catalogue-title">
      <h1 id="catalogue-title">Catalogue</h1>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>Search products
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <label>Category
          <select value={category} onChange={(e) => set("category", e.target.value)}>
            <option value="">All categories</option>
            {choices.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <label>Sort by
          <select value={sort} onChange={(e) => set("sort", e.target.value)}>
            {SORTS.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
        </label>
      </form>
      {error && <p role="alert" className="error">{error.message}</p>}
      <p role="status" data-testid="result-count">
        {connection ? `${connection.totalCount} products` : "Loading products…"}
      </p>
      <ul className="products" aria-label="Products">
        {connection?.edges.map(({ node }) => (
          <li key={node.id} className="card">
            <h2><Link to={`/products/${node.id}`}>{node.name}</Link></h2>
            <p className="muted">{node.category}</p>
            <p><Money value={node.price} /></p>
            <p>{node.stock > 0 ? `${node.stock} in stock` : "Out of stock"}</p>
            <AddToCart productId={node.id} name={node.name} disabled={node.stock === 0} />
          </li>
        ))}
      </ul>
      {connection?.pageInfo.hasNextPage && (
        <div ref={sentinel}>
          <button type="button" onClick={more} disabled={networkStatus === NetworkStatus.fetchMore}>
            {networkStatus === NetworkStatus.fetchMore ? "Loading…" : "Load more"}
          </button>
        </div>
      )}
    </section>
  );
}

/** Calls `onVisible` whenever the returned element scrolls into view (the button stays for
 * keyboards and for browsers without IntersectionObserver). */
function useInfiniteScroll(onVisible: () => unknown) {
  const callback = useRef(onVisible);
  callback.current = onVisible;
  const observer = useRef<IntersectionObserver | null>(null);
  return (element: HTMLElement | null) => {
    observer.current?.disconnect();
    if (!element || typeof IntersectionObserver === "undefined") return;
    observer.current = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) callback.current();
    }, { rootMargin: "200px" });
    observer.current.observe(element);
  };
}
